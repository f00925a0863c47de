package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.TraceData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database written while ids were text opens with binary ids and reads back the same rows. */
class TextIdMigrationTest {
  @TempDir Path dir;

  @Test
  void textIdsBecomeBinaryAndReadBackUnchanged() throws Exception {
    Path file = dir.resolve("old.duckdb");
    String trace = "0af7651916cd43dd8448eb211c80319c";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = c.createStatement()) {
      // The schema as it was before binary ids (and before the trace index).
      s.execute("CREATE TABLE spans (project_id BIGINT NOT NULL, trace_id VARCHAR NOT NULL, "
          + "span_id VARCHAR NOT NULL, parent_span_id VARCHAR, segment_id VARCHAR, "
          + "is_segment BOOLEAN NOT NULL, transaction VARCHAR, transaction_source VARCHAR, "
          + "op VARCHAR, description VARCHAR, status VARCHAR NOT NULL, start_us BIGINT NOT NULL, "
          + "end_us BIGINT NOT NULL, tags MAP(VARCHAR, VARCHAR), data VARCHAR, release VARCHAR, "
          + "environment VARCHAR, user_key VARCHAR, sample_rate DOUBLE NOT NULL, service VARCHAR, "
          + "platform VARCHAR)");
      s.execute("CREATE TABLE errors (project_id BIGINT NOT NULL, event_id VARCHAR NOT NULL, "
          + "trace_id VARCHAR, span_id VARCHAR, timestamp_us BIGINT NOT NULL, level VARCHAR NOT NULL, "
          + "message VARCHAR, exception_type VARCHAR, transaction VARCHAR, "
          + "tags MAP(VARCHAR, VARCHAR), release VARCHAR, environment VARCHAR, user_key VARCHAR, "
          + "platform VARCHAR, payload VARCHAR)");
      s.execute("INSERT INTO spans VALUES (1, '" + trace + "', 'b7ad6b7169203331', NULL, "
          + "'00f067aa0ba902b700f067aa0ba902b7', true, 'GET /', 'route', 'http.server', NULL, 'ok', "
          + "1000, 5000, MAP {'k': 'v'}, NULL, NULL, NULL, NULL, 1.0, NULL, 'java')");
      s.execute("INSERT INTO spans VALUES (1, '" + trace + "', '00000000000000ff', 'b7ad6b7169203331', "
          + "'00f067aa0ba902b700f067aa0ba902b7', false, 'GET /', NULL, 'db', 'select', 'ok', "
          + "2000, 3000, MAP {}, NULL, NULL, NULL, NULL, 1.0, NULL, NULL)");
      s.execute("INSERT INTO errors VALUES (1, 'ffffffffffffffffffffffffffffffff', '" + trace + "', "
          + "'00000000000000ff', 2500, 'error', 'boom', NULL, 'GET /', MAP {}, NULL, NULL, NULL, "
          + "NULL, NULL)");
    }

    try (DuckDbStorage storage = DuckDbStorage.open(file)) {
      TraceData t = storage.traces().trace(trace, null);
      SpanRow root = SpanRow.builder().projectId(1).traceId(trace).spanId("b7ad6b7169203331")
          .segmentId("00f067aa0ba902b700f067aa0ba902b7").segment(true).transaction("GET /")
          .transactionSource("route").op("http.server").startUs(1000).endUs(5000).tag("k", "v")
          .platform("java").build();
      SpanRow kid = SpanRow.builder().projectId(1).traceId(trace).spanId("00000000000000ff")
          .parentSpanId("b7ad6b7169203331").segmentId("00f067aa0ba902b700f067aa0ba902b7")
          .transaction("GET /").op("db").description("select").startUs(2000).endUs(3000).build();
      assertEquals(List.of(root, kid), t.spans());
      assertEquals(List.of(new ErrorRow(1, "ffffffffffffffffffffffffffffffff", trace,
          "00000000000000ff", 2500, "error", "boom", null, "GET /", Map.of(), null, null, null,
          null, null)), t.errors());
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT table_name || '.' || column_name, data_type "
            + "FROM information_schema.columns WHERE column_name LIKE '%_id' AND table_name IN "
            + "('spans', 'errors', 'trace_index') AND column_name <> 'project_id' ORDER BY 1")) {
      Map<String, String> types = new TreeMap<>();
      while (rs.next()) types.put(rs.getString(1), rs.getString(2));
      assertEquals(Map.of("errors.event_id", "UUID", "errors.span_id", "UBIGINT",
          "errors.trace_id", "UUID", "spans.parent_span_id", "UBIGINT", "spans.segment_id", "UUID",
          "spans.span_id", "UBIGINT", "spans.trace_id", "UUID", "trace_index.trace_id", "UUID"), types);
    }
    // Opening again finds binary ids: nothing to migrate, same answer.
    try (DuckDbStorage storage = DuckDbStorage.open(file)) {
      assertEquals(2, storage.traces().trace(trace, null).spans().size());
    }
  }
}
