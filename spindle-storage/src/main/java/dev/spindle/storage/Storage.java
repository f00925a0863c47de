package dev.spindle.storage;

/**
 * A storage backend: hands out the small interfaces the server uses. Implementations are
 * thread-safe; {@link #close()} releases files and connections.
 */
public interface Storage extends AutoCloseable {
  SpanWriter writer();

  TraceReader traces();

  TraceSearch search();

  TransactionAggregator aggregator();

  OutcomeReader outcomes();

  /**
   * Histogram, span operations and errors for the transaction summary view. Backends that
   * cannot answer these leave the default, which throws {@link UnsupportedOperationException}.
   */
  default TransactionInsights insights() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no transaction insights");
  }

  MetadataStore metadata();

  /**
   * The service map and propagation health. Backends that cannot compute it leave the default,
   * which throws {@link UnsupportedOperationException}.
   */
  default ServiceMapReader serviceMap() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no service map");
  }

  /**
   * Completeness verdicts of traces. Backends that cannot judge them leave the default, which
   * throws {@link UnsupportedOperationException}.
   */
  default VerdictReader verdicts() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no trace verdicts");
  }

  /**
   * Ad-hoc Discover queries. Backends that cannot run them keep this default, whose store throws
   * {@link UnsupportedOperationException}.
   */
  default dev.spindle.storage.discover.DiscoverStore discover() {
    return q -> {
      throw new UnsupportedOperationException("Discover queries are not supported by " + getClass().getSimpleName());
    };
  }

  /**
   * Span assembly's storage side. Backends without it keep this default, which throws
   * {@link UnsupportedOperationException}; the server then stores spans as they come.
   */
  default SegmentStore segments() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no span assembly");
  }

  /**
   * Deletes spans, errors and client reports that ended before {@code cutoffUs}.
   *
   * @return the number of rows deleted
   */
  long deleteOlderThan(long cutoffUs);

  @Override
  void close();
}
