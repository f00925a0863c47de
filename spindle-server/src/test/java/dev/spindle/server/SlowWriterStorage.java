package dev.spindle.server;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.OutcomeReader;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceReader;
import dev.spindle.storage.TraceSearch;
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.duckdb.DuckDbStorage;

/**
 * DuckDB in memory whose writer first runs {@link #beforeWrite()} (a wait, a delay): for the tests
 * of a write path that falls behind. Reads go to DuckDB; it offers none of DuckDB's optional parts
 * (span assembly, service map, Discover).
 */
abstract class SlowWriterStorage implements Storage {
  final DuckDbStorage delegate = DuckDbStorage.inMemory();

  /** Runs on the writing thread before each batch is written. */
  abstract void beforeWrite() throws InterruptedException;

  @Override
  public SpanWriter writer() {
    return batch -> {
      try {
        beforeWrite();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delegate.writer().write(batch);
    };
  }

  @Override public TraceReader traces() { return delegate.traces(); }
  @Override public TraceSearch search() { return delegate.search(); }
  @Override public TransactionAggregator aggregator() { return delegate.aggregator(); }
  @Override public OutcomeReader outcomes() { return delegate.outcomes(); }
  @Override public MetadataStore metadata() { return delegate.metadata(); }
  @Override public long deleteOlderThan(long cutoffUs) { return delegate.deleteOlderThan(cutoffUs); }
  @Override public void close() { delegate.close(); }
}
