package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/** One DuckDB transaction per batch, visible at once: for the in-memory database. */
final class DirectWriter implements BatchWriter {
  private final DuckDBConnection c;

  DirectWriter(DuckDBConnection c) {
    this.c = requireNonNull(c, "c");
  }

  @Override
  public synchronized void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    try {
      c.setAutoCommit(false);
      RowAppender.append(c, batch);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      DuckDbStorage.rollbackQuietly(c);
      throw new StorageException("write of " + batch.size() + " rows failed: " + e.getMessage(), e);
    } finally {
      DuckDbStorage.autoCommitQuietly(c);
    }
  }

  @Override
  public void awaitVisible() {
    // every write is committed before it returns
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
