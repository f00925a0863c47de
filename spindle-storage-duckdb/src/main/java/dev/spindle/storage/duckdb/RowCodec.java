package dev.spindle.storage.duckdb;

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
 * A write batch as bytes, for the ingest log: a version byte, then each table's row count and
 * rows, fields in record-component order. Strings are a length ({@code -1} for null) and UTF-8
 * bytes; tags a count and key/value pairs.
 */
final class RowCodec {
  private static final byte VERSION = 1;

  private RowCodec() {}

  static byte[] encode(WriteBatch b) {
    Out out = new Out(64 + b.size() * 400);
    out.writeByte(VERSION);
    out.writeInt(b.spans().size());
    for (SpanRow r : b.spans()) {
      out.writeLong(r.projectId());
      str(out, r.traceId());
      str(out, r.spanId());
      str(out, r.parentSpanId());
      str(out, r.segmentId());
      out.writeBoolean(r.segment());
      str(out, r.transaction());
      str(out, r.transactionSource());
      str(out, r.op());
      str(out, r.description());
      str(out, r.status());
      out.writeLong(r.startUs());
      out.writeLong(r.endUs());
      tags(out, r.tags());
      str(out, r.dataJson());
      str(out, r.release());
      str(out, r.environment());
      str(out, r.user());
      out.writeDouble(r.sampleRate());
      str(out, r.service());
      str(out, r.platform());
    }
    out.writeInt(b.errors().size());
    for (ErrorRow r : b.errors()) {
      out.writeLong(r.projectId());
      str(out, r.eventId());
      str(out, r.traceId());
      str(out, r.spanId());
      out.writeLong(r.timestampUs());
      str(out, r.level());
      str(out, r.message());
      str(out, r.exceptionType());
      str(out, r.transaction());
      tags(out, r.tags());
      str(out, r.release());
      str(out, r.environment());
      str(out, r.user());
      str(out, r.platform());
      str(out, r.payloadJson());
    }
    out.writeInt(b.clientReports().size());
    for (ClientReportRow r : b.clientReports()) {
      out.writeLong(r.projectId());
      out.writeLong(r.timestampUs());
      str(out, r.reason());
      str(out, r.category());
      out.writeLong(r.quantity());
    }
    return out.toByteArray();
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not such a batch
   */
  static WriteBatch decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte version = in.get();
      if (version != VERSION) throw new IllegalArgumentException("batch version " + version + " (expected: " + VERSION + ")");
      int spanCount = count(in);
      List<SpanRow> spans = new ArrayList<>(spanCount);
      for (int i = 0; i < spanCount; i++) {
        spans.add(new SpanRow(in.getLong(), str(in), str(in), str(in), str(in), in.get() != 0,
            str(in), str(in), str(in), str(in), str(in), in.getLong(), in.getLong(), tags(in),
            str(in), str(in), str(in), str(in), in.getDouble(), str(in), str(in)));
      }
      int errorCount = count(in);
      List<ErrorRow> errors = new ArrayList<>(errorCount);
      for (int i = 0; i < errorCount; i++) {
        errors.add(new ErrorRow(in.getLong(), str(in), str(in), str(in), in.getLong(), str(in),
            str(in), str(in), str(in), tags(in), str(in), str(in), str(in), str(in), str(in)));
      }
      int reportCount = count(in);
      List<ClientReportRow> reports = new ArrayList<>(reportCount);
      for (int i = 0; i < reportCount; i++) {
        reports.add(new ClientReportRow(in.getLong(), in.getLong(), str(in), str(in), in.getLong()));
      }
      if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " bytes after the batch");
      return new WriteBatch(spans, errors, reports);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("batch ends early", e);
    }
  }

  private static void str(Out out, String s) {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static void tags(Out out, Map<String, String> tags) {
    out.writeInt(tags.size());
    for (Map.Entry<String, String> e : tags.entrySet()) {
      str(out, e.getKey());
      str(out, e.getValue());
    }
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

    void writeBoolean(boolean v) {
      writeByte(v ? 1 : 0);
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

    void write(byte[] b) {
      ensure(b.length);
      buf.put(b);
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf.array(), buf.position());
    }
  }

  private static int count(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) throw new IllegalArgumentException("count " + n + " out of range");
    return n;
  }

  private static String str(ByteBuffer in) {
    int n = in.getInt();
    if (n == -1) return null;
    if (n < 0 || n > in.remaining()) throw new IllegalArgumentException("string length " + n + " out of range");
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
}
