package dev.spindle.storage.write;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one binary form of a {@link WriteBatch}, wherever batches are stored or sent (DuckDB's
 * ingest log, Kafka records). Big-endian; a version byte, then each table's row count and rows,
 * fields in record-component order. Strings are a length ({@code -1} for null) and UTF-8 bytes;
 * tags a count and key/value pairs.
 *
 * <p>A new version gets a new number and {@link #decode} keeps reading the old ones: logs and
 * topics outlive releases. Version 2 added {@link SpanRow#transactionOp()} (after
 * {@code transactionSource}); version 1 rows decode without it.
 */
public final class WriteBatchCodec {
  /** The version {@link #encode} writes, the first byte of every encoded batch. */
  public static final byte VERSION = 2;

  private WriteBatchCodec() {}

  /** The batch's bytes in the current version. */
  public static byte[] encode(WriteBatch b) {
    requireNonNull(b, "b");
    Out out = new Out(asciiSize(b));
    out.writeByte(VERSION);
    out.writeInt(b.spans().size());
    for (SpanRow r : b.spans()) {
      out.writeLong(r.projectId());
      out.writeString(r.traceId());
      out.writeString(r.spanId());
      out.writeString(r.parentSpanId());
      out.writeString(r.segmentId());
      out.writeByte(r.segment() ? 1 : 0);
      out.writeString(r.transaction());
      out.writeString(r.transactionSource());
      out.writeString(r.transactionOp());
      out.writeString(r.op());
      out.writeString(r.description());
      out.writeString(r.status());
      out.writeLong(r.startUs());
      out.writeLong(r.endUs());
      out.writeTags(r.tags());
      out.writeString(r.dataJson());
      out.writeString(r.release());
      out.writeString(r.environment());
      out.writeString(r.user());
      out.writeDouble(r.sampleRate());
      out.writeString(r.service());
      out.writeString(r.platform());
    }
    out.writeInt(b.errors().size());
    for (ErrorRow r : b.errors()) {
      out.writeLong(r.projectId());
      out.writeString(r.eventId());
      out.writeString(r.traceId());
      out.writeString(r.spanId());
      out.writeLong(r.timestampUs());
      out.writeString(r.level());
      out.writeString(r.message());
      out.writeString(r.exceptionType());
      out.writeString(r.transaction());
      out.writeTags(r.tags());
      out.writeString(r.release());
      out.writeString(r.environment());
      out.writeString(r.user());
      out.writeString(r.platform());
      out.writeString(r.payloadJson());
    }
    out.writeInt(b.clientReports().size());
    for (ClientReportRow r : b.clientReports()) {
      out.writeLong(r.projectId());
      out.writeLong(r.timestampUs());
      out.writeString(r.reason());
      out.writeString(r.category());
      out.writeLong(r.quantity());
    }
    return out.toByteArray();
  }

  /**
   * The encoded size of {@code b} when its text is ASCII (one byte a character), as it nearly
   * always is: the buffer is then allocated once, at its final size, and never copied.
   */
  private static int asciiSize(WriteBatch b) {
    long n = 1 + 3 * 4;
    for (SpanRow r : b.spans()) {
      n += 4 * 8 + 1 + 16 * 4 + length(r.traceId()) + length(r.spanId()) + length(r.parentSpanId())
          + length(r.segmentId()) + length(r.transaction()) + length(r.transactionSource())
          + length(r.transactionOp()) + length(r.op()) + length(r.description()) + length(r.status())
          + tagsSize(r.tags()) + length(r.dataJson()) + length(r.release()) + length(r.environment())
          + length(r.user()) + length(r.service()) + length(r.platform());
    }
    for (ErrorRow r : b.errors()) {
      n += 2 * 8 + 12 * 4 + length(r.eventId()) + length(r.traceId()) + length(r.spanId())
          + length(r.level()) + length(r.message()) + length(r.exceptionType()) + length(r.transaction())
          + tagsSize(r.tags()) + length(r.release()) + length(r.environment()) + length(r.user())
          + length(r.platform()) + length(r.payloadJson());
    }
    for (ClientReportRow r : b.clientReports()) {
      n += 3 * 8 + 2 * 4 + length(r.reason()) + length(r.category());
    }
    return (int) Math.min(n, Integer.MAX_VALUE - 16);
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static long tagsSize(Map<String, String> tags) {
    long n = 4;
    for (Map.Entry<String, String> e : tags.entrySet()) n += 8 + length(e.getKey()) + length(e.getValue());
    return n;
  }

  /**
   * Decodes what {@link #encode} wrote, in any version it ever wrote.
   *
   * @throws IllegalArgumentException when the bytes are not such a batch, saying where and why
   */
  public static WriteBatch decode(byte[] bytes) {
    requireNonNull(bytes, "bytes");
    if (bytes.length == 0) throw new IllegalArgumentException("batch: empty (expected: a version byte and rows)");
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException("batch version " + version + " (expected: 1 to " + VERSION + ")");
    }
    boolean withTransactionOp = version >= 2;
    String where = "span count";
    List<SpanRow> spans;
    List<ErrorRow> errors;
    List<ClientReportRow> reports;
    try {
      int spanCount = count(in);
      spans = new ArrayList<>(spanCount);
      for (int i = 0; i < spanCount; i++) {
        where = "span " + i;
        spans.add(new SpanRow(in.getLong(), str(in), str(in), str(in), str(in), in.get() != 0,
            str(in), str(in), withTransactionOp ? str(in) : null, str(in), str(in), str(in),
            in.getLong(), in.getLong(), tags(in), str(in), str(in), str(in), str(in),
            in.getDouble(), str(in), str(in)));
      }
      where = "error count";
      int errorCount = count(in);
      errors = new ArrayList<>(errorCount);
      for (int i = 0; i < errorCount; i++) {
        where = "error " + i;
        errors.add(new ErrorRow(in.getLong(), str(in), str(in), str(in), in.getLong(), str(in),
            str(in), str(in), str(in), tags(in), str(in), str(in), str(in), str(in), str(in)));
      }
      where = "client report count";
      int reportCount = count(in);
      reports = new ArrayList<>(reportCount);
      for (int i = 0; i < reportCount; i++) {
        where = "client report " + i;
        reports.add(new ClientReportRow(in.getLong(), in.getLong(), str(in), str(in), in.getLong()));
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("batch ends early, in " + where + " (" + bytes.length + " bytes)", e);
    } catch (IllegalArgumentException | NullPointerException e) {
      // a length out of range, or a row constructor refusing a field (a malformed id, no status...)
      throw new IllegalArgumentException("batch: " + where + ": " + e.getMessage(), e);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("batch: " + in.remaining() + " bytes after the last row");
    }
    return new WriteBatch(spans, errors, reports);
  }

  private static int count(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("count " + n + " out of range (" + in.remaining() + " bytes left)");
    }
    return n;
  }

  private static String str(ByteBuffer in) {
    int n = in.getInt();
    if (n == -1) return null;
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("string length " + n + " out of range (" + in.remaining() + " bytes left)");
    }
    String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }

  private static Map<String, String> tags(ByteBuffer in) {
    int n = count(in);
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) m.put(str(in), str(in));
    return m;
  }

  /** A growable big-endian byte buffer (unsynchronized, unlike the java.io streams). */
  private static final class Out {
    private ByteBuffer buf;

    Out(int capacity) {
      buf = ByteBuffer.allocate(capacity);
    }

    private void ensure(int n) {
      if (buf.remaining() >= n) return;
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }

    void writeByte(int v) {
      ensure(1);
      buf.put((byte) v);
    }

    void writeInt(int v) {
      ensure(4);
      buf.putInt(v);
    }

    void writeLong(long v) {
      ensure(8);
      buf.putLong(v);
    }

    void writeDouble(double v) {
      ensure(8);
      buf.putDouble(v);
    }

    void writeString(String s) {
      if (s == null) {
        writeInt(-1);
        return;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeInt(b.length);
      ensure(b.length);
      buf.put(b);
    }

    void writeTags(Map<String, String> tags) {
      writeInt(tags.size());
      for (Map.Entry<String, String> e : tags.entrySet()) {
        writeString(e.getKey());
        writeString(e.getValue());
      }
    }

    byte[] toByteArray() {
      return buf.position() == buf.capacity() ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
    }
  }
}
