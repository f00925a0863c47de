package dev.spindle.storage.write;

import dev.spindle.storage.SpanWriter;

/**
 * A durable queue of write batches between the nodes that ingest and the nodes that write storage
 * (Kafka, for one), opened by its {@link BatchQueueProvider}. An ingest node uses {@link #writer()},
 * a writer node {@link #consumeInto}; one process may do both.
 */
public interface BatchQueue extends AutoCloseable {
  /**
   * The ingest side: a writer whose {@code write} returns once the queue holds the rows durably
   * (they then reach a consumer even if this process dies). The same instance on every call;
   * closed with the queue.
   */
  SpanWriter writer();

  /**
   * The storage side: starts delivering queued batches to {@code target} in the background, and
   * counts a batch as consumed only after {@code target.write} returned for it. While the target
   * fails, delivery retries with backoff; a batch the target alone keeps refusing while it takes
   * others is logged and skipped (see {@link Delivery}); nothing is skipped while the target is
   * unreachable or refuses everything. Stops when the queue is closed.
   *
   * @throws IllegalStateException when this queue already consumes
   */
  void consumeInto(SpanWriter target);

  /** Stops consuming and closes the writer; waits a bounded time for work in progress. */
  @Override
  void close();
}
