package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;

/** DuckDB as the loader's target: the rows and the position in one transaction. */
final class DuckDbLoadTarget implements LoadTarget, AutoCloseable {
  private final DuckDBConnection c;

  /** @param c a connection to a database with {@link Schema#DDL} applied */
  DuckDbLoadTarget(DuckDBConnection c) {
    this.c = requireNonNull(c, "c");
  }

  @Override
  public long loadedPosition() {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT position FROM ingest_log WHERE id = 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StorageException("cannot read the ingest log position: " + e.getMessage(), e);
    }
  }

  @Override
  public void load(List<WriteBatch> batches, long position) {
    try {
      Transactions.run(c, () -> {
        RowAppender.append(c, batches.size() == 1 ? batches.get(0) : WriteBatch.concat(batches));
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO ingest_log VALUES (1, ?)")) {
          ps.setLong(1, position);
          ps.executeUpdate();
        }
      });
    } catch (SQLException | RuntimeException e) {
      throw new StorageException("loading into DuckDB failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
