package dev.spindle.storage.write;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit in front of a {@link SpanWriter}: callers' batches are handed to a few committer
 * threads; each takes everything waiting (up to {@code maxRowsPerCommit} rows), writes it with one
 * call of the delegate and then releases every caller. {@link #write} returns when the delegate
 * wrote the caller's batch, so it keeps the delegate's durability promise while the delegate pays
 * its per-write cost (an fsync, a Kafka round trip) once per group. Several committers keep the
 * delegate busy while one of them waits. When a group fails, its batches are written one by one
 * (through {@link Delivery}, the write path's one retry/split mechanism), so one bad batch fails
 * only its own caller.
 *
 * <p>Memory is bounded: beyond {@code maxPendingRows} waiting rows, {@link #write} refuses at once
 * with an {@link OverloadedException} instead of queueing; a caller waits at most
 * {@code commitTimeoutMs} for its write (then {@link OverloadedException}; the batch may still be
 * written later, which retries of idempotent rows tolerate).
 */
public final class GroupCommitWriter implements SpanWriter, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class.getName());

  private record Pending(WriteBatch batch, CompletableFuture<Void> done, AtomicBoolean released) {}

  private final SpanWriter delegate;
  private final long maxPendingRows;
  private final int maxRowsPerCommit;
  private final long commitTimeoutMs;
  private final ArrayBlockingQueue<Pending> queue = new ArrayBlockingQueue<>(100_000);
  private final AtomicLong pendingRows = new AtomicLong();
  private final Thread[] committers;
  /**
   * Writes a group in one call; when that fails, batch by batch once (one round, no waiting): a
   * batch the delegate refuses fails only its own caller, and when the delegate cannot be reached
   * the rest fail with that error. Immutable, shared by the committer threads.
   */
  private final Delivery<Pending> delivery;
  private volatile boolean closed;

  private GroupCommitWriter(Builder b) {
    this.delegate = b.delegate;
    this.maxPendingRows = b.maxPendingRows;
    this.maxRowsPerCommit = b.maxRowsPerCommit;
    this.commitTimeoutMs = b.commitTimeoutMs;
    this.delivery = Delivery.<Pending>builder(this::writeGroup).attempts(1).maxRounds(1).keepOrder(false)
        .probe(() -> { }).setAside(this::finish).onGiveUp(this::finish).build();
    this.committers = new Thread[b.committers];
    for (int i = 0; i < committers.length; i++) {
      Thread t = new Thread(this::run, "spindle-group-commit-" + i);
      t.setDaemon(true);
      t.start();
      committers[i] = t;
    }
  }

  /** A builder writing groups to {@code delegate}, which committer threads call at once. */
  public static Builder builder(SpanWriter delegate) {
    return new Builder(delegate);
  }

  /**
   * Writes the batch as part of a group; returns once the delegate wrote it.
   *
   * @throws OverloadedException when too many rows wait, the writer is closing, or the write was
   *     not confirmed within the commit timeout
   * @throws StorageException when the delegate refused the batch
   */
  @Override
  public void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    CompletableFuture<Void> done = submit(batch);
    try {
      done.get(commitTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new OverloadedException("storage did not confirm the write in time; retry later", 5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OverloadedException("interrupted while writing; retry later", 5);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StorageException s) throw s;
      throw new StorageException("storage failed to write: " + cause, cause);
    }
  }

  private CompletableFuture<Void> submit(WriteBatch batch) {
    if (closed) throw new OverloadedException("the server is shutting down", 5);
    int n = batch.size();
    long after = pendingRows.addAndGet(n);
    if (after > maxPendingRows && after != n) {
      pendingRows.addAndGet(-n);
      throw new OverloadedException("ingestion is behind (" + (after - n) + " rows waiting); retry later", 2);
    }
    Pending p = new Pending(batch, new CompletableFuture<>(), new AtomicBoolean());
    if (!queue.offer(p)) {
      pendingRows.addAndGet(-n);
      throw new OverloadedException("ingestion queue is full; retry later", 2);
    }
    return p.done;
  }

  /** Rows waiting for a committer. */
  public long pendingRows() {
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
        delivery.deliver(group);
      } catch (InterruptedException e) {
        if (closed) break;
      } catch (RuntimeException | Error e) {
        LOG.log(Level.SEVERE, "group commit thread failure", e);
        for (Pending p : group) finish(p, e);
      } finally {
        group.clear();
      }
    }
  }

  private void writeGroup(List<Pending> group) {
    delegate.write(group.size() == 1 ? group.get(0).batch
        : WriteBatch.concat(group.stream().map(Pending::batch).toList()));
    for (Pending p : group) finish(p, null);
  }

  /** Frees the batch's share of the bound (once) and completes its caller. */
  private void finish(Pending p, Throwable failure) {
    if (p.released.compareAndSet(false, true)) pendingRows.addAndGet(-p.batch.size());
    if (failure == null) p.done.complete(null);
    else p.done.completeExceptionally(failure);
  }

  /** Stops accepting, writes what is queued (waiting up to 30 s), and stops the committers. */
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

  /** Configures a {@link GroupCommitWriter}; every setting has a documented default. */
  public static final class Builder {
    private final SpanWriter delegate;
    private long maxPendingRows = 200_000;
    private int maxRowsPerCommit = 50_000;
    private int committers = 2;
    private long commitTimeoutMs = 30_000;

    private Builder(SpanWriter delegate) {
      this.delegate = requireNonNull(delegate, "delegate");
    }

    /** Rows that may wait before writes are refused; default 200,000. */
    public Builder maxPendingRows(long n) {
      if (n <= 0) throw new IllegalArgumentException("maxPendingRows: " + n + " (expected: > 0)");
      maxPendingRows = n;
      return this;
    }

    /** Rows one group holds at most (a single larger batch is written alone); default 50,000. */
    public Builder maxRowsPerCommit(int n) {
      if (n <= 0) throw new IllegalArgumentException("maxRowsPerCommit: " + n + " (expected: > 0)");
      maxRowsPerCommit = n;
      return this;
    }

    /** Committer threads; default 2 (one writes while the other waits for its commit). */
    public Builder committers(int n) {
      if (n <= 0) throw new IllegalArgumentException("committers: " + n + " (expected: > 0)");
      committers = n;
      return this;
    }

    /** How long a caller waits for its write; default 30 s. */
    public Builder commitTimeoutMs(long ms) {
      if (ms <= 0) throw new IllegalArgumentException("commitTimeoutMs: " + ms + " (expected: > 0)");
      commitTimeoutMs = ms;
      return this;
    }

    /** Starts the committer threads. */
    public GroupCommitWriter build() {
      return new GroupCommitWriter(this);
    }
  }
}
