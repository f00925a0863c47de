package dev.spindle.storage.duckdb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Explicit DuckDB transactions. DuckDB's appender ignores JDBC's {@code setAutoCommit(false)}: it
 * commits each flush on its own (measured with duckdb_jdbc 2.0), so appended rows and whatever
 * else must go with them are wrapped in SQL {@code BEGIN TRANSACTION} ... {@code COMMIT}, which
 * the appender does join.
 */
final class Transactions {
  private Transactions() {}

  /** Work that runs inside the transaction. */
  interface Work {
    void run() throws SQLException;
  }

  /** Runs {@code work} in one transaction: all of it is committed, or none of it. */
  static void run(Connection c, Work work) throws SQLException {
    execute(c, "BEGIN TRANSACTION");
    try {
      work.run();
      execute(c, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      try {
        execute(c, "ROLLBACK");
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
