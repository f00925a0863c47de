package dev.spindle.storage;

/** Writes rows. Safe to call from several threads at once; each call is its own atomic write. */
public interface SpanWriter {
  /**
   * Writes the batch atomically. When this method returns normally the rows are <b>durable</b>:
   * they survive a crash of the process (SIGKILL) right after. Writing the same span twice keeps
   * both rows; callers deduplicate if they need to.
   *
   * @throws StorageException when the batch could not be written; then none of it was
   */
  void write(WriteBatch batch);
}
