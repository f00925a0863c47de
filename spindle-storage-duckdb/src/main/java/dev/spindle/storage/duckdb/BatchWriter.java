package dev.spindle.storage.duckdb;

import dev.spindle.storage.SpanWriter;

/** How {@link DuckDbStorage} writes: a {@link SpanWriter} whose rows reads can wait for. */
interface BatchWriter extends SpanWriter, AutoCloseable {
  /** Returns once every batch acknowledged before the call is visible to queries. */
  void awaitVisible();

  @Override
  void close();
}
