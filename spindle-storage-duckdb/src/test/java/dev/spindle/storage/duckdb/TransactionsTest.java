package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appended rows belong to the transaction: a failure after the appends leaves nothing. */
class TransactionsTest {
  @TempDir Path dir;

  private static long count(DuckDBConnection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void appendedRowsRollBackWithTheTransaction() throws Exception {
    try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
        DuckDBConnection other = (DuckDBConnection) c.duplicate()) {
      try (Statement s = c.createStatement()) {
        for (String ddl : Schema.DDL) s.execute(ddl);
      }
      StoredTraces stored = StoredTraces.load(c);
      WriteBatch batch = WriteBatch.ofSpans(List.of(SpanRow.builder().projectId(1)
          .traceId("0af7651916cd43dd8448eb211c80319c").spanId("b7ad6b7169203331").startUs(1).endUs(2).build()));
      assertThrows(IllegalStateException.class, () -> Transactions.run(c, () -> {
        RowAppender.append(c, batch, stored);
        assertEquals(0, count(other, "spans"), "not visible before the commit");
        throw new IllegalStateException("fails after the appends (test)");
      }));
      assertEquals(0, count(other, "spans"));
      assertEquals(0, count(other, "trace_index"));

      Transactions.run(c, () -> RowAppender.append(c, batch, stored));
      assertEquals(1, count(other, "spans"));
      assertEquals(1, count(other, "trace_index"));
    }
  }
}
