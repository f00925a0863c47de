package dev.spindle.storage.duckdb;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** Appends a batch's rows to their tables (and the trace index) in the connection's transaction. */
final class RowAppender {
  private RowAppender() {}

  /** @param stored the traces with trace index rows, to which the batch's traces are added */
  static void append(DuckDBConnection c, WriteBatch batch, StoredTraces stored) throws SQLException {
    if (!batch.spans().isEmpty()) appendSpans(c, batch, stored);
    if (!batch.errors().isEmpty()) appendErrors(c, batch);
    if (!batch.clientReports().isEmpty()) appendReports(c, batch);
  }

  private static void appendSpans(DuckDBConnection c, WriteBatch batch, StoredTraces stored) throws SQLException {
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spans")) {
      for (SpanRow r : SpanOrder.of(batch.spans())) {
        a.beginRow();
        a.append(r.projectId());
        uuid(a, r.traceId());
        id64(a, r.spanId());
        id64(a, r.parentSpanId());
        uuid(a, r.segmentId());
        a.append(r.segment());
        str(a, r.transaction());
        str(a, r.transactionSource());
        str(a, r.op());
        str(a, r.description());
        a.append(r.status());
        a.append(r.startUs());
        a.append(r.endUs());
        map(a, r.tags());
        str(a, r.dataJson());
        str(a, r.release());
        str(a, r.environment());
        str(a, r.user());
        a.append(r.sampleRate());
        str(a, r.service());
        str(a, r.platform());
        str(a, r.transactionOp());
        a.endRow();
      }
      a.flush();
    }
    appendTraceIndex(c, batch);
    CallRollup.recordClientEnds(c, batch.spans());
    CallRollup.markLoaded(c, batch.spans(), stored);
  }

  private static void appendTraceIndex(DuckDBConnection c, WriteBatch batch) throws SQLException {
    Map<TraceKey, long[]> ranges = new HashMap<>();
    for (SpanRow r : batch.spans()) {
      long[] range = ranges.computeIfAbsent(new TraceKey(r.traceId(), r.projectId()),
          k -> new long[] {r.startUs(), r.endUs()});
      range[0] = Math.min(range[0], r.startUs());
      range[1] = Math.max(range[1], r.endUs());
    }
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "trace_index")) {
      for (Map.Entry<TraceKey, long[]> e : ranges.entrySet()) {
        a.beginRow();
        uuid(a, e.getKey().traceId());
        a.append(e.getKey().projectId());
        a.append(e.getValue()[0]);
        a.append(e.getValue()[1]);
        a.endRow();
      }
      a.flush();
    }
  }

  private record TraceKey(String traceId, long projectId) {}

  private static void appendErrors(DuckDBConnection c, WriteBatch batch) throws SQLException {
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "errors")) {
      for (ErrorRow r : batch.errors()) {
        a.beginRow();
        a.append(r.projectId());
        uuid(a, r.eventId());
        uuid(a, r.traceId());
        id64(a, r.spanId());
        a.append(r.timestampUs());
        a.append(r.level());
        str(a, r.message());
        str(a, r.exceptionType());
        str(a, r.transaction());
        map(a, r.tags());
        str(a, r.release());
        str(a, r.environment());
        str(a, r.user());
        str(a, r.platform());
        str(a, r.payloadJson());
        a.endRow();
      }
      a.flush();
    }
  }

  private static void appendReports(DuckDBConnection c, WriteBatch batch) throws SQLException {
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "client_reports")) {
      for (ClientReportRow r : batch.clientReports()) {
        a.beginRow();
        a.append(r.projectId());
        a.append(r.timestampUs());
        a.append(r.reason());
        a.append(r.category());
        a.append(r.quantity());
        a.endRow();
      }
      a.flush();
    }
  }

  private static void str(DuckDBAppender a, String v) throws SQLException {
    if (v == null) a.appendNull();
    else a.append(v);
  }

  /**
   * A 32-hex id (or null) as a UUID. Ids are validated hex ({@link SpanRow}): decoded by
   * {@link HexFormat}, about a fifth of the loader's Java time with {@code Long.parseUnsignedLong}.
   */
  static void uuid(DuckDBAppender a, String hex) throws SQLException {
    if (hex == null) a.appendNull();
    else a.appendUUID(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
  }

  /** A 16-hex span id (or null) as a UBIGINT. */
  private static void id64(DuckDBAppender a, String hex) throws SQLException {
    if (hex == null) a.appendNull();
    else a.append(HexFormat.fromHexDigitsToLong(hex));
  }

  /** Tags as a MAP; none as NULL (appending an empty map costs as much as a full one). */
  private static void map(DuckDBAppender a, Map<String, String> m) throws SQLException {
    if (m.isEmpty()) a.appendNull();
    else a.append(m);
  }
}
