package dev.spindle.storage.duckdb;

import static dev.spindle.storage.ServiceMapQuery.MATCH_WINDOW_US;
import static dev.spindle.storage.ServiceMapQuery.PARENT_LOOKBACK_US;

import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.SpanRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The service map's rollup: the calls of each minute (by the end of the call's span), classified
 * once by {@link DuckDbCalls} and kept as counts, duration buckets and the newest examples per
 * kind, caller and callee, so that a map over a day reads about a thousand small rows per edge
 * instead of classifying millions of spans (BENCHMARKS.md). A minute no load has marked since
 * its last rollup (or ever) is answered from these rows.
 *
 * <p>Which minutes must be classified again: every load marks, in its own transaction, the
 * minutes whose calls its rows may change -- the whole time range of each trace it touches (a
 * late child turns its caller's client span from external into linked, a late parent turns an
 * orphan into a linked call, wherever they ended) and, for the root transactions it brings, the
 * minutes in which the client spans that such a root may have continued ended, and the minutes
 * of each 10-minute bucket whose allowed clock skew between two services its linked calls raise
 * ({@code map_skews}, which the classification reads: {@link ClockSkew}). A background
 * thread classifies marked minutes once they are {@link #SETTLE_US} old and no load has marked
 * them for {@link #QUIET_US}, an hour at a time,
 * replacing their rows and clearing the marks it saw, in one transaction. A query reads the
 * rollup for the minutes of its period that are rolled up and not marked, and classifies the
 * rest (the newest minutes, minutes still marked, the partial minutes at the period's ends) from
 * the spans, so its answer never depends on whether the rollup is behind.
 *
 * <p>The rollup holds the calls of every project at the default skew; a query with another skew,
 * or a series whose interval is not whole minutes, classifies its whole period from the spans.
 */
final class CallRollup implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CallRollup.class.getName());

  static final long MINUTE_US = 60_000_000L;
  /** Minutes younger than this (by the wall clock) are not rolled up: their calls still arrive. */
  static final long SETTLE_US = 2 * MINUTE_US;
  /**
   * A minute is rolled up once no load has marked it for this long, so that a bulk load, which
   * marks the same minutes batch after batch, has each rolled up about once: 10 seconds.
   */
  static final long QUIET_US = 10_000_000L;
  /** How often the rollup looks for marked minutes. */
  static final long INTERVAL_MS = 5_000;
  /** The most minutes classified in one transaction (the spans of a chunk are read once). */
  static final int CHUNK_MINUTES = 60;

  /** The key of every rollup table: minute, kind, caller and callee. */
  static final String KEY_COLUMNS = "minute BIGINT NOT NULL, kind VARCHAR NOT NULL, sp BIGINT NOT NULL,"
      + " ss VARCHAR NOT NULL, tp BIGINT NOT NULL, ts VARCHAR NOT NULL, leaf VARCHAR NOT NULL";
  static final String PAIR = "sp, ss, tp, ts, leaf";
  private static final String[] TABLES = {"map_calls", "map_durations", "map_examples"};

  private final DuckDBConnection c;
  private final Runnable awaitLoaded;
  private final Object lock = new Object();
  private final Thread thread;
  private boolean closed;

  /**
   * @param c           a connection of its own (closed with this)
   * @param awaitLoaded returns once what was acknowledged is loaded (a rollup sees it all)
   */
  CallRollup(DuckDBConnection c, Runnable awaitLoaded) {
    this.c = c;
    this.awaitLoaded = awaitLoaded;
    this.thread = new Thread(this::run, "spindle-duckdb-servicemap");
    thread.setDaemon(true);
  }

  /** Starts rolling up in the background. */
  void start() {
    thread.start();
  }

  private void run() {
    while (true) {
      synchronized (lock) {
        try {
          lock.wait(INTERVAL_MS);
        } catch (InterruptedException e) {
          return;
        }
        if (closed) return;
      }
      try {
        rollUp();
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.WARNING, "service map rollup failed; retrying in " + INTERVAL_MS + " ms", e);
      }
    }
  }

  /** Rolls up every marked minute old and quiet enough; returns how many minutes were rolled up. */
  int rollUp() throws SQLException {
    return rollUp(nowUs());
  }

  /** {@link #rollUp()} as if the wall clock read {@code now}. */
  int rollUp(long now) throws SQLException {
    synchronized (lock) {
      if (closed) return 0;
      awaitLoaded.run();
      List<Long> minutes = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT minute FROM map_marks WHERE minute < "
              + Math.floorDiv(now - SETTLE_US, MINUTE_US) + " GROUP BY minute HAVING max(marked_us) < "
              + (now - QUIET_US) + " ORDER BY minute")) {
        while (rs.next()) minutes.add(rs.getLong(1));
      }
      int i = 0;
      while (i < minutes.size()) {
        long first = minutes.get(i);
        int j = i + 1;
        while (j < minutes.size() && minutes.get(j) == minutes.get(j - 1) + 1 && j - i < CHUNK_MINUTES) j++;
        rollUp(first, minutes.get(j - 1) + 1);
        i = j;
      }
      return minutes.size();
    }
  }

  /** Classifies the calls of minutes {@code from} (inclusive) to {@code to} and replaces their rows. */
  private void rollUp(long from, long to) throws SQLException {
    ServiceMapQuery q = ServiceMapQuery.of(null, from * MINUTE_US, to * MINUTE_US);
    String calls = DuckDbCalls.calls(q, List.of(new DuckDbCalls.Range(q.startUs(), q.endUs())));
    String minutes = " WHERE minute >= " + from + " AND minute < " + to;
    Transactions.run(c, () -> {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE OR REPLACE TEMP TABLE map_chunk AS " + calls
            + "SELECT *, e // " + MINUTE_US + " AS minute FROM calls");
        for (String t : TABLES) s.execute("DELETE FROM " + t + minutes);
        s.execute("INSERT INTO map_calls SELECT minute, kind, " + PAIR + ", sum(w), count(*),"
            + " count(*) FILTER (WHERE f), count(*) FILTER (WHERE sc), count(*) FILTER (WHERE bd)"
            + " FROM map_chunk GROUP BY ALL");
        s.execute("INSERT INTO map_durations SELECT minute, kind, " + PAIR + ", "
            + DuckDbCalls.DURATION_BUCKET + " AS bucket, count(*) FROM map_chunk GROUP BY ALL");
        s.execute("INSERT INTO map_examples SELECT minute, kind, " + PAIR + ", e, trace, span, descr, cont"
            + " FROM map_chunk WHERE kind IN ('lost', 'orphaned') QUALIFY row_number() OVER"
            + " (PARTITION BY minute, kind, " + PAIR + " ORDER BY e DESC, span) <= " + ServiceMapQuery.EXAMPLES);
        // marks committed after this transaction began are not seen (snapshot isolation), hence
        // kept: their rows were not classified here
        s.execute("DELETE FROM map_marks" + minutes);
        s.execute("DROP TABLE map_chunk");
      }
    });
  }

  /**
   * The minutes of {@code q}'s period the rollup answers for (those not marked: rolled up since
   * their last load, or never loaded into), as time ranges in order; none when {@code q} is not
   * one the rollup holds.
   */
  static List<DuckDbCalls.Range> rolledUp(Connection c, ServiceMapQuery q) throws SQLException {
    long interval = q.seriesIntervalUs();
    if (q.skewUs() != ServiceMapQuery.DEFAULT_SKEW_US || interval % MINUTE_US != 0) return List.of();
    long first = Math.floorDiv(q.startUs() + MINUTE_US - 1, MINUTE_US);
    long last = Math.floorDiv(q.endUs(), MINUTE_US);
    List<DuckDbCalls.Range> out = new ArrayList<>();
    if (first >= last) return out;
    String in = "minute >= " + first + " AND minute < " + last;
    long from = first;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISTINCT minute FROM map_marks WHERE " + in + " ORDER BY minute")) {
      while (rs.next()) {
        long marked = rs.getLong(1);
        if (marked > from) out.add(new DuckDbCalls.Range(from * MINUTE_US, marked * MINUTE_US));
        from = marked + 1;
      }
    }
    if (from < last) out.add(new DuckDbCalls.Range(from * MINUTE_US, last * MINUTE_US));
    return out;
  }

  /** SQL true for the rollup rows of the minutes in {@code ranges} (minute-aligned, from {@link #rolledUp}). */
  static String minutesIn(List<DuckDbCalls.Range> ranges) {
    List<DuckDbCalls.Range> minutes = new ArrayList<>();
    for (DuckDbCalls.Range r : ranges) minutes.add(new DuckDbCalls.Range(r.startUs() / MINUTE_US, r.endUs() / MINUTE_US));
    return DuckDbCalls.within("minute", minutes);
  }

  /**
   * In the transaction that loads {@code spans}, after their trace index rows: marks the minutes
   * whose calls they may change, and adds their traces to {@code stored} (the loader's own: only
   * loads add trace index rows).
   */
  static void markLoaded(DuckDBConnection c, List<SpanRow> spans, StoredTraces stored) throws SQLException {
    if (spans.isEmpty()) return;
    stored.makeRoom(c, spans.size());
    for (String traceId : mark(c, spans, stored::mayContain)) stored.add(traceId);
  }

  /** In the transaction that changes {@code spans} (stored rows): marks the minutes whose calls they may change. */
  static void mark(DuckDBConnection c, List<SpanRow> spans) throws SQLException {
    mark(c, spans, traceId -> true);
  }

  /**
   * Marks the minutes {@code spans} may change; {@code mayBeStored} tells the traces that may have
   * trace index rows from earlier loads (the others' rows are all in {@code spans}). Returns the
   * trace ids of {@code spans}.
   */
  private static Set<String> mark(DuckDBConnection c, List<SpanRow> spans, Predicate<String> mayBeStored) throws SQLException {
    Map<String, long[]> ranges = new HashMap<>(); // each trace's time range in these rows
    long rootsFrom = Long.MAX_VALUE;
    long rootsTo = Long.MIN_VALUE;
    for (SpanRow r : spans) {
      long[] range = ranges.computeIfAbsent(r.traceId(), k -> new long[] {r.startUs(), r.endUs()});
      range[0] = Math.min(range[0], r.startUs());
      range[1] = Math.max(range[1], r.endUs());
      if (r.segment() && r.parentSpanId() == null) {
        rootsFrom = Math.min(rootsFrom, r.startUs());
        rootsTo = Math.max(rootsTo, r.startUs());
      }
    }
    if (ranges.isEmpty()) return ranges.keySet();
    // every minute of each trace the rows touch: a new trace's range is its rows' range; that of a
    // trace that may have rows from earlier loads is read from all its trace index rows
    long margin = ServiceMapQuery.DEFAULT_SKEW_US;
    Skews skews = new Skews();
    skews.measure(spans);
    Set<Long> minutes = new TreeSet<>();
    List<String> earlier = new ArrayList<>();
    for (Map.Entry<String, long[]> e : ranges.entrySet()) {
      if (mayBeStored.test(e.getKey())) earlier.add(e.getKey());
      else addMinutes(minutes, e.getValue()[0] - margin, e.getValue()[1] + margin);
    }
    if (!earlier.isEmpty()) {
      // joined with every trace index row (IN-lists of constants are no index scans in DuckDB 2.0)
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "map_loaded")) {
        for (String t : earlier) {
          a.beginRow();
          RowAppender.uuid(a, t);
          a.endRow();
        }
        a.flush();
      }
      try (Statement s = c.createStatement()) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (ResultSet rs = s.executeQuery("SELECT min(start_us), max(end_us) FROM trace_index"
            + " WHERE trace_id IN (SELECT trace_id FROM map_loaded) GROUP BY trace_id")) {
          while (rs.next()) {
            addMinutes(minutes, rs.getLong(1) - margin, rs.getLong(2) + margin);
            first = Math.min(first, rs.getLong(1));
            last = Math.max(last, rs.getLong(2));
          }
        }
        if (first <= last) skews.measureStored(s, first, last);
        s.execute("DELETE FROM map_loaded");
      }
    }
    skews.keep(c, minutes);
    long now = nowUs();
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "map_marks")) {
      for (long m : minutes) {
        a.beginRow();
        a.append(m);
        a.append(now);
        a.endRow();
      }
      a.flush();
    }
    if (rootsFrom == Long.MAX_VALUE) return ranges.keySet();
    // a new root may continue a client span of another trace that started up to a match window
    // before it (or the most skew allowed after it); that call counts where its span ended
    long from = rootsFrom - MATCH_WINDOW_US - margin;
    long to = rootsTo + ClockSkew.MAX_US;
    long end = to;
    // whole minutes: at least the latest end of those spans, so never fewer minutes marked
    try (PreparedStatement ps = c.prepareStatement("SELECT max(end_us) FROM map_client_ends"
        + " WHERE minute >= ? AND minute <= ?")) {
      ps.setLong(1, Math.floorDiv(from, MINUTE_US));
      ps.setLong(2, Math.floorDiv(to, MINUTE_US));
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getObject(1) != null) end = Math.max(end, rs.getLong(1));
      }
    }
    markRange(c, from, end + margin);
    return ranges.keySet();
  }

  /**
   * The clock skews of the linked calls a load completes ({@link ClockSkew}), where they allow more
   * than the default skew: the largest per bucket, caller and callee. {@link #keep} raises
   * {@code map_skews} to them and marks the minutes of each bucket whose allowance grew (rare:
   * allowances are whole seconds), since its lost calls may match other roots now.
   */
  private static final class Skews {
    private record Key(long bucket, long sp, String ss, long tp, String ts) {}

    private record Id(String traceId, String spanId) {}

    private final Map<Key, Long> largest = new HashMap<>();

    private static boolean entry(SpanRow r) {
      return r.parentSpanId() != null && ServiceMapSql.isEntry(r);
    }

    private static String service(SpanRow r) {
      return r.service() == null ? "" : r.service();
    }

    /** The linked calls whose caller's span and callee's entry are both in {@code spans}. */
    void measure(List<SpanRow> spans) {
      Set<Id> parents = new HashSet<>();
      for (SpanRow r : spans) if (entry(r)) parents.add(new Id(r.traceId(), r.parentSpanId()));
      if (parents.isEmpty()) return;
      Map<Id, SpanRow> found = new HashMap<>();
      for (SpanRow r : spans) {
        Id id = new Id(r.traceId(), r.spanId());
        if (parents.contains(id)) found.putIfAbsent(id, r);
      }
      for (SpanRow t : spans) {
        SpanRow p = entry(t) ? found.get(new Id(t.traceId(), t.parentSpanId())) : null;
        if (p == null || p.projectId() == t.projectId() && service(p).equals(service(t))) continue;
        add(new Key(ClockSkew.bucket(t.endUs()), p.projectId(), service(p), t.projectId(), service(t)),
            Math.abs(ClockSkew.shift(p.startUs(), p.endUs(), t.startUs(), t.endUs())));
      }
    }

    /**
     * The linked calls of the traces in {@code map_loaded} (those that may have rows from earlier
     * loads), whose rows lie between {@code fromUs} and {@code toUs}.
     */
    void measureStored(Statement s, long fromUs, long toUs) throws SQLException {
      String measured = ClockSkew.measuredSql("p.start_us", "p.end_us", "t.start_us", "t.end_us");
      try (ResultSet rs = s.executeQuery("SELECT t.end_us // " + ClockSkew.BUCKET_US + ", p.project_id,"
          + " coalesce(p.service, ''), t.project_id, coalesce(t.service, ''), max(" + measured + ")"
          + " FROM spans t JOIN spans p ON p.trace_id = t.trace_id AND p.span_id = t.parent_span_id"
          + " WHERE t.parent_span_id IS NOT NULL AND (t.is_segment OR t.segment_id IS NULL)"
          + loaded("t", fromUs, toUs) + loaded("p", fromUs, toUs)
          + " AND (p.project_id != t.project_id OR coalesce(p.service, '') != coalesce(t.service, ''))"
          + " GROUP BY ALL HAVING max(" + measured + ") > " + ClockSkew.measuredAllowingAtMost(ServiceMapQuery.DEFAULT_SKEW_US))) {
        while (rs.next()) {
          add(new Key(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5)), rs.getLong(6));
        }
      }
    }

    /** SQL ({@code AND ...}) keeping the rows of {@code alias} in the loaded traces and the time range. */
    private static String loaded(String alias, long fromUs, long toUs) {
      return " AND " + alias + ".trace_id IN (SELECT trace_id FROM map_loaded) AND " + alias + ".end_us >= " + fromUs
          + " AND " + alias + ".start_us <= " + toUs;
    }

    private void add(Key k, long measuredUs) {
      long allowed = ClockSkew.allowance(measuredUs, 0);
      if (allowed > ServiceMapQuery.DEFAULT_SKEW_US) largest.merge(k, allowed, Math::max);
    }

    /** Raises {@code map_skews}; adds to {@code minutes} those of the buckets whose allowance grew. */
    void keep(DuckDBConnection c, Set<Long> minutes) throws SQLException {
      if (largest.isEmpty()) return;
      String key = " WHERE bucket = ? AND sp = ? AND ss = ? AND tp = ? AND ts = ?";
      try (PreparedStatement read = c.prepareStatement("SELECT skew_us FROM map_skews" + key);
          PreparedStatement write = c.prepareStatement("INSERT OR REPLACE INTO map_skews VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<Key, Long> e : largest.entrySet()) {
          Key k = e.getKey();
          Object[] values = {k.bucket(), k.sp(), k.ss(), k.tp(), k.ts(), e.getValue()};
          for (int i = 0; i < 5; i++) read.setObject(i + 1, values[i]);
          try (ResultSet rs = read.executeQuery()) {
            if (rs.next() && rs.getLong(1) >= e.getValue()) continue;
          }
          for (int i = 0; i < 6; i++) write.setObject(i + 1, values[i]);
          write.executeUpdate();
          addMinutes(minutes, k.bucket() * ClockSkew.BUCKET_US, (k.bucket() + 1) * ClockSkew.BUCKET_US - 1);
        }
      }
    }
  }

  /** Adds the minutes from the one holding {@code fromUs} to the one holding {@code toUs}. */
  private static void addMinutes(Set<Long> minutes, long fromUs, long toUs) {
    for (long m = Math.floorDiv(fromUs, MINUTE_US), last = Math.floorDiv(toUs, MINUTE_US); m <= last; m++) minutes.add(m);
  }

  /**
   * Records, in the load's transaction, the latest end of the new rows' matchable client spans
   * per minute they started in ({@code map_client_ends}, read by {@link #mark}); call before
   * {@link #mark} for rows appended to {@code spans}.
   */
  static void recordClientEnds(DuckDBConnection c, List<SpanRow> spans) throws SQLException {
    Map<Long, Long> ends = new HashMap<>();
    for (SpanRow r : spans) {
      if (ServiceMapSql.isMatchable(r.op())) {
        ends.merge(Math.floorDiv(r.startUs(), MINUTE_US), r.endUs(), Math::max);
      }
    }
    if (ends.isEmpty()) return;
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "map_client_ends")) {
      for (Map.Entry<Long, Long> e : ends.entrySet()) {
        a.beginRow();
        a.append(e.getKey());
        a.append(e.getValue());
        a.endRow();
      }
      a.flush();
    }
  }

  /** Fills {@code map_client_ends} from the spans: a database written before it existed. */
  static void fillClientEnds(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO map_client_ends SELECT start_us // " + MINUTE_US + ", max(end_us) FROM spans"
          + " WHERE " + ServiceMapSql.matchable("coalesce(op, '')") + " GROUP BY 1");
    }
  }

  /** Marks the minutes from the one holding {@code fromUs} to the one holding {@code toUs}. */
  static void markRange(Connection c, long fromUs, long toUs) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO map_marks SELECT range, " + nowUs() + " FROM range("
          + Math.floorDiv(fromUs, MINUTE_US) + ", " + (Math.floorDiv(toUs, MINUTE_US) + 1) + ")");
    }
  }

  /** Marks every minute that has spans: a database written before the rollup existed. */
  static void markAll(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO map_marks SELECT DISTINCT end_us // " + MINUTE_US + ", 0 FROM spans");
    }
  }

  /**
   * In the retention delete's transaction: forgets the minutes before {@code cutoffUs} and marks
   * the calls after it that may have lost a parent, child or match to the delete. Run it
   * {@link #exclusive}ly: the rollup would conflict with it.
   */
  static void deleteBefore(Connection retention, long cutoffUs) throws SQLException {
    long minute = Math.floorDiv(cutoffUs, MINUTE_US);
    try (Statement s = retention.createStatement()) {
      for (String t : TABLES) s.execute("DELETE FROM " + t + " WHERE minute < " + minute);
      s.execute("DELETE FROM map_marks WHERE minute < " + minute);
      s.execute("DELETE FROM map_skews WHERE bucket < " + ClockSkew.bucket(cutoffUs));
      s.execute("DELETE FROM map_client_ends WHERE end_us < " + cutoffUs); // their spans are deleted too
    }
    markRange(retention, cutoffUs, cutoffUs + PARENT_LOOKBACK_US + MATCH_WINDOW_US);
  }

  /** Runs {@code work} while no rollup runs. */
  void exclusive(Transactions.Work work) throws SQLException {
    synchronized (lock) {
      work.run();
    }
  }

  /** The wall clock, microseconds: when a load marks a minute, and what the rollup waits by. */
  private static long nowUs() {
    return System.currentTimeMillis() * 1000;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
