package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/** One DuckDB transaction per batch, visible at once: for the in-memory database. */
final class DirectWriter implements BatchWriter {
  private final DuckDBConnection c;
  private final StoredTraces stored;

  DirectWriter(DuckDBConnection c, StoredTraces stored) {
    this.c = requireNonNull(c, "c");
    this.stored = requireNonNull(stored, "stored");
  }

  @Override
  public synchronized void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    try {
      Transactions.run(c, () -> RowAppender.append(c, batch, stored));
    } catch (SQLException | RuntimeException e) {
      throw new StorageException("write of " + batch.size() + " rows failed: " + e.getMessage(), e);
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
