package dev.spindle.storage.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The trace ids that may have rows in {@code trace_index}, as a Bloom filter: its "no" is exact.
 * A load marks the service map's minutes of a trace it touches from the trace's stored rows only
 * when the trace may have some ({@link CallRollup#markLoaded}); a trace never seen before is new, and the
 * load's own rows give its time range, so most loads look nothing up instead of joining their
 * trace ids with every stored trace (a cost that grew with the data; BENCHMARKS.md, session 6).
 *
 * <p>Filled from the trace index on open (reading every trace id once) and rebuilt from it, for
 * twice the traces it holds, once the traces added since outgrow it: at least {@link
 * #BITS_PER_TRACE} bits per trace it has room for, i.e. 6 to 12 bytes per stored trace (the trace
 * index's own ART index takes tens). Ids that retention deleted stay until the next rebuild, and a
 * load that rolls back leaves its ids in: both only cost a lookup ("maybe"), never a minute left
 * unmarked.
 */
final class StoredTraces {
  /** Bits per trace at full capacity; with {@link #HASHES} hashes a false "maybe" in about 1e-5. */
  static final int BITS_PER_TRACE = 24;
  private static final int HASHES = 12;
  private static final long MIN_CAPACITY = 1 << 16;

  private long[] words;
  private long mask;
  private long capacity;
  private long added;

  private StoredTraces(long capacity) {
    this.capacity = Math.max(MIN_CAPACITY, capacity);
    long bits = Long.highestOneBit(this.capacity * BITS_PER_TRACE - 1) << 1;
    this.words = new long[(int) (bits >>> 6)];
    this.mask = bits - 1;
  }

  /** The traces of {@code c}'s trace index. */
  static StoredTraces load(Connection c) throws SQLException {
    StoredTraces t = new StoredTraces(0);
    t.rebuild(c, 0);
    return t;
  }

  /** Whether {@code traceId} (32 hex) may have rows in the trace index. */
  synchronized boolean mayContain(String traceId) {
    long h1 = mix(HexFormat.fromHexDigitsToLong(traceId, 16, 32));
    long h2 = mix(HexFormat.fromHexDigitsToLong(traceId, 0, 16)) | 1;
    for (int i = 0; i < HASHES; i++) {
      long bit = (h1 + i * h2) & mask;
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) return false;
    }
    return true;
  }

  /** Adds {@code traceId} (32 hex), whose trace index rows the current load appended. */
  synchronized void add(String traceId) {
    add(HexFormat.fromHexDigitsToLong(traceId, 0, 16), HexFormat.fromHexDigitsToLong(traceId, 16, 32));
  }

  /** Rebuilds from {@code c}'s trace index, larger, when {@code more} ids would not fit. */
  synchronized void makeRoom(Connection c, int more) throws SQLException {
    if (added + more > capacity) rebuild(c, more);
  }

  private void rebuild(Connection c, int more) throws SQLException {
    long rows;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM trace_index")) {
      rs.next();
      rows = rs.getLong(1);
    }
    StoredTraces t = new StoredTraces(2 * (rows + more));
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT trace_id FROM trace_index")) {
      while (rs.next()) {
        UUID id = (UUID) rs.getObject(1);
        t.add(id.getMostSignificantBits(), id.getLeastSignificantBits());
      }
    }
    words = t.words;
    mask = t.mask;
    capacity = t.capacity;
    added = t.added;
  }

  private void add(long hi, long lo) {
    long h1 = mix(lo);
    long h2 = mix(hi) | 1;
    for (int i = 0; i < HASHES; i++) {
      long bit = (h1 + i * h2) & mask;
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
    added++;
  }

  /** A 64-bit finalizer (MurmurHash3's): ids need not be random. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
