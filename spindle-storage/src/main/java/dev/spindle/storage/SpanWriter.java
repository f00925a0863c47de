package dev.spindle.storage;

/**
 * Writes rows. Safe to call from several threads at once.
 *
 * <p>How much of a failed write may have happened differs by writer (each one's
 * {@code SpanWriterContract} test states and checks it): DuckDB takes a batch as one fsync'ed
 * ingest-log record, all or nothing; ClickHouse writes each table with its own {@code INSERT},
 * each all or nothing, so a failure can leave a batch's spans written and its errors not; the
 * Kafka queue sends one record per trace, so a failure can leave some traces sent. A failed batch
 * is therefore retried whole. Writing the same span twice may keep both rows (DuckDB does) or one
 * (ClickHouse collapses replayed rows).
 */
public interface SpanWriter {
  /**
   * Writes the batch. When this method returns normally the rows are <b>durable</b>: they survive
   * a crash of the process (SIGKILL) right after. An empty batch is a no-op.
   *
   * @throws StorageException when the batch could not be written, or only part of it (see above)
   */
  void write(WriteBatch batch);
}
