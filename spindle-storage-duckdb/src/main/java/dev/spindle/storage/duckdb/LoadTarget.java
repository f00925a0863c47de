package dev.spindle.storage.duckdb;

import dev.spindle.storage.WriteBatch;
import java.util.List;

/** Where {@link LogLoader} puts logged batches, together with how far the log is loaded. */
interface LoadTarget {
  /** The log position everything before which is loaded; 0 when nothing is. */
  long loadedPosition();

  /**
   * Loads the batches (none: only records the position) and records {@code position}, both or
   * neither.
   *
   * @throws RuntimeException when nothing was loaded
   */
  void load(List<WriteBatch> batches, long position);
}
