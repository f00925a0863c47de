package dev.spindle.server;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: request threads hand batches to a few committer threads; each takes everything
 * waiting (up to {@code maxRowsPerCommit} rows), writes it as one storage transaction and then
 * completes every batch's future. A request answers 2xx only once its future completed, so an
 * acknowledged batch is durable. Several committers keep the storage busy while one of them waits
 * for its commit to reach the disk. Memory is bounded: when more than {@code maxPendingRows} rows
 * wait, {@link #submit} refuses (the caller answers 503 with {@code Retry-After}) instead of
 * queueing without limit.
 */
final class IngestQueue implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(IngestQueue.class.getName());

  private record Pending(WriteBatch batch, CompletableFuture<Void> done, AtomicBoolean released) {}

  private final SpanWriter writer;
  private final long maxPendingRows;
  private final int maxRowsPerCommit;
  private final ArrayBlockingQueue<Pending> queue;
  private final AtomicLong pendingRows = new AtomicLong();
  private final Thread[] committers;
  private volatile boolean closed;

  /**
   * @param writer           where groups are written; called from {@code committers} threads at once
   * @param maxPendingRows   rows waiting at most before {@link #submit} refuses
   * @param maxRowsPerCommit rows one group holds at most (a single larger batch is written alone)
   * @param committers       threads writing groups
   */
  IngestQueue(SpanWriter writer, long maxPendingRows, int maxRowsPerCommit, int committers) {
    this.writer = requireNonNull(writer, "writer");
    if (maxPendingRows <= 0) throw new IllegalArgumentException("maxPendingRows: " + maxPendingRows + " (expected: > 0)");
    if (maxRowsPerCommit <= 0) throw new IllegalArgumentException("maxRowsPerCommit: " + maxRowsPerCommit + " (expected: > 0)");
    if (committers <= 0) throw new IllegalArgumentException("committers: " + committers + " (expected: > 0)");
    this.maxPendingRows = maxPendingRows;
    this.maxRowsPerCommit = maxRowsPerCommit;
    this.queue = new ArrayBlockingQueue<>(100_000);
    this.committers = new Thread[committers];
    for (int i = 0; i < committers; i++) {
      Thread t = new Thread(this::run, "spindle-group-commit-" + i);
      t.setDaemon(true);
      t.start();
      this.committers[i] = t;
    }
  }

  /**
   * Queues a batch; the future completes when it is durable, or exceptionally when writing failed.
   *
   * @throws ApiException 503 when the writer is too far behind or the server is stopping
   */
  CompletableFuture<Void> submit(WriteBatch batch) {
    if (closed) throw ApiException.overloaded("the server is shutting down", 5);
    int n = Math.max(1, batch.size());
    long after = pendingRows.addAndGet(n);
    if (after > maxPendingRows && after != n) {
      pendingRows.addAndGet(-n);
      throw ApiException.overloaded("ingestion is behind (" + (after - n) + " rows waiting); retry later", 2);
    }
    Pending p = new Pending(batch, new CompletableFuture<>(), new AtomicBoolean());
    if (!queue.offer(p)) {
      pendingRows.addAndGet(-n);
      throw ApiException.overloaded("ingestion queue is full; retry later", 2);
    }
    return p.done;
  }

  long pendingRows() {
    return pendingRows.get();
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        group.add(first);
        int rows = first.batch.size();
        Pending next;
        while (rows < maxRowsPerCommit && (next = queue.poll()) != null) {
          group.add(next);
          rows += next.batch.size();
        }
        commit(group);
      } catch (InterruptedException e) {
        if (closed) break;
      } catch (RuntimeException | Error e) {
        LOG.log(Level.SEVERE, "group commit thread failure", e);
        release(group);
        for (Pending p : group) p.done.completeExceptionally(e);
      } finally {
        group.clear();
      }
    }
  }

  /** Frees the group's share of the bound; idempotent per group. */
  private void release(List<Pending> group) {
    for (Pending p : group) {
      if (p.released.compareAndSet(false, true)) pendingRows.addAndGet(-Math.max(1, p.batch.size()));
    }
  }

  private void commit(List<Pending> group) {
    List<WriteBatch> batches = new ArrayList<>(group.size());
    for (Pending p : group) batches.add(p.batch);
    try {
      writer.write(group.size() == 1 ? batches.get(0) : WriteBatch.concat(batches));
      release(group);
      for (Pending p : group) p.done.complete(null);
    } catch (RuntimeException e) {
      if (group.size() == 1) {
        release(group);
        group.get(0).done.completeExceptionally(e);
        return;
      }
      // One bad batch must not fail the others: retry one by one.
      for (Pending p : group) {
        try {
          writer.write(p.batch);
          release(List.of(p));
          p.done.complete(null);
        } catch (RuntimeException e2) {
          release(List.of(p));
          p.done.completeExceptionally(e2);
        }
      }
    }
  }

  /** Stops accepting, writes what is queued, and stops the committers. */
  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      for (Thread t : committers) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
