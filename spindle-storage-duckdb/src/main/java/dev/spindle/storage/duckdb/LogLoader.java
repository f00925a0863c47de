package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.StorageFullException;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.Delivery;
import dev.spindle.storage.write.OverloadedException;
import dev.spindle.storage.write.WriteBatchCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Durable writes without one DuckDB transaction per request. {@link #write} appends the batch to
 * the {@link IngestLog} (fsync'ed: durable when it returns) and queues it; a loader thread moves
 * queued batches into the {@link LoadTarget} in large transactions (DuckDB's cost per transaction
 * is milliseconds, so small ones dominate), recording in the same transaction how far the log is
 * loaded. On open, the log after that position is replayed, so every acknowledged batch lands
 * exactly once, whenever the process died.
 *
 * <p>Failures are handled by {@link Delivery}, in log order: a group the target keeps refusing is
 * loaded batch by batch. A batch refused {@link #ATTEMPTS} times while the target still records a
 * position alone cannot be loaded (its data, not the target, is at fault): it is written to
 * {@code quarantine/} beside the log, logged, and skipped, so one bad batch never stops ingestion
 * or a restart. When the target takes nothing at all (a full disk), the loader retries with
 * backoff and skips nothing; once it has failed for {@link #STALL_MS}, writes that find no room
 * in the queue are refused at once (what the log holds is all that was acknowledged) and queries
 * stop waiting for rows the loader cannot load, so they are answered from what is loaded.
 *
 * <p>Queries call {@link #awaitVisible} first: the loader then loads at once what was acknowledged
 * before the query, so a read sees every write that returned before it. Memory is bounded: a
 * write waits while more than {@link #MAX_QUEUED_ROWS} rows wait for the loader.
 */
final class LogLoader implements BatchWriter {
  private static final Logger LOG = Logger.getLogger(LogLoader.class.getName());

  /**
   * Rows acknowledged but not yet loaded, at most (a larger single batch still passes alone):
   * 100,000, or fewer in a small heap (a queued row takes about 1 KiB; at most an eighth of it).
   */
  static final int MAX_QUEUED_ROWS =
      (int) Math.max(1_000, Math.min(100_000, Runtime.getRuntime().maxMemory() / 8 / 1024));
  /** Rows per load, at most. */
  static final int MAX_LOAD_ROWS = 100_000;
  /**
   * Fewer rows than this wait up to {@link #LINGER_MS} for more, unless a query waits: a load's
   * commit and the rollup's marks cost about the same for 3,000 rows as for 8,000, so larger loads
   * halve them per row (BENCHMARKS.md, "Where the server's CPU per span goes"). At most half the
   * queue, so writers never wait for room while the loader waits for rows.
   */
  static final int MIN_LOAD_ROWS = Math.min(50_000, MAX_QUEUED_ROWS / 2);
  static final long LINGER_MS = 1000;
  /** How long a write waits for room, and a query for its rows, before giving up. */
  static final long WAIT_MS = 30_000;
  /** Refusals of one batch before it is set aside (when the target still works). */
  static final int ATTEMPTS = 3;
  /** How long the loader fails before it counts as stalled (longer than setting a batch aside). */
  static final long STALL_MS = 5_000;
  /** A waiting write or query looks at whether the loader stalled this often. */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private record Queued(WriteBatch batch, long position) {}

  private final LoadTarget target;
  private final IngestLog log;
  private final Path quarantine;
  private final Object appendLock = new Object();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final Thread loader;
  private final Delivery<Queued> delivery = newDelivery();
  private volatile boolean replaying = true; // while opening: give up (fail the open) instead of retrying forever
  private int queuedRows;
  private long appended;
  private long loaded;
  private boolean readerWaiting;
  private boolean closed;
  private long failingSince; // System.nanoTime() of the first failed load since the last success; 0 when none
  private RuntimeException lastFailure;

  private LogLoader(LoadTarget target, IngestLog log, Path quarantine, long loaded) {
    this.target = target;
    this.log = log;
    this.quarantine = quarantine;
    this.loaded = loaded;
    this.appended = loaded;
    this.loader = new Thread(this::run, "spindle-duckdb-loader");
    loader.setDaemon(true);
  }

  /** Opens the log in {@code dir}, loads what it holds after the target's position, and starts. */
  static LogLoader open(LoadTarget target, Path dir) throws IOException {
    requireNonNull(target, "target");
    long position = target.loadedPosition();
    IngestLog log = new IngestLog(dir, IngestLog.SEGMENT_BYTES);
    try {
      return replayAndStart(target, log, dir, position);
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
  }

  private static LogLoader replayAndStart(LoadTarget target, IngestLog log, Path dir, long position)
      throws IOException {
    LogLoader l = new LogLoader(target, log, dir.resolve("quarantine"), position);
    List<Queued> replayed = new ArrayList<>();
    int[] rows = {0};
    log.replay(position, (payload, end) -> {
      WriteBatch b;
      try {
        b = WriteBatchCodec.decode(payload);
      } catch (IllegalArgumentException e) {
        // Intact on disk yet unreadable: never loadable. What precedes it goes first.
        l.deliverReplayed(replayed);
        rows[0] = 0;
        l.setAside(payload, end, e);
        return;
      }
      replayed.add(new Queued(b, end));
      rows[0] += b.size();
      if (rows[0] >= MAX_LOAD_ROWS) {
        l.deliverReplayed(replayed);
        rows[0] = 0;
      }
    });
    l.deliverReplayed(replayed);
    if (l.loaded != position) LOG.info("ingest log replayed up to position " + l.loaded);
    log.deleteBefore(l.loaded);
    l.replaying = false;
    l.loader.start();
    return l;
  }

  private void deliverReplayed(List<Queued> replayed) {
    if (replayed.isEmpty()) return;
    if (!delivery.deliver(replayed)) {
      throw new StorageException("cannot load the ingest log into DuckDB (see the log); nothing was skipped");
    }
    replayed.clear();
  }

  @Override
  public void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    byte[] bytes = WriteBatchCodec.encode(batch);
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (!closed && queuedRows > 0 && queuedRows + batch.size() > MAX_QUEUED_ROWS) {
        if (stalled()) throw stalledRefusal();
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new OverloadedException("DuckDB loading is " + queuedRows + " rows behind", 1);
        changed.awaitNanos(Math.min(left, RECHECK_NANOS));
      }
      if (closed) throw new StorageException("storage is closed");
      queuedRows += batch.size(); // room taken now; given back if the append fails
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for the loader", e);
    } finally {
      lock.unlock();
    }
    boolean queued = false;
    try {
      // One lock around append and enqueue keeps the queue in log order: the loader's position
      // then covers exactly the batches it loaded.
      synchronized (appendLock) {
        long position = log.append(bytes);
        lock.lock();
        try {
          queue.add(new Queued(batch, position));
          appended = position;
          queued = true;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      throw new StorageException("ingest log append failed: " + e.getMessage(), e);
    } finally {
      if (!queued) {
        lock.lock();
        try {
          queuedRows -= batch.size();
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  @Override
  public void awaitVisible() {
    lock.lock();
    try {
      long target = appended;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (loaded < target && !closed && !stalled()) {
        readerWaiting = true;
        changed.signalAll();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warning("a query did not wait longer for the loader (" + queuedRows + " rows queued)");
          return;
        }
        changed.awaitNanos(Math.min(left, RECHECK_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      List<Queued> group = new ArrayList<>();
      int rows = 0;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) changed.await();
        if (queue.isEmpty()) return; // closed and drained
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        while (queuedRows < MIN_LOAD_ROWS && !readerWaiting && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) break;
          changed.awaitNanos(left);
        }
        readerWaiting = false;
        while (!queue.isEmpty() && (rows == 0 || rows + queue.peek().batch.size() <= MAX_LOAD_ROWS)) {
          Queued q = queue.poll();
          group.add(q);
          rows += q.batch.size();
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      if (!delivery.deliver(group)) return; // closing while the target fails: the log keeps the rest
      lock.lock();
      try {
        queuedRows -= rows;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        log.deleteBefore(loadedPosition());
      } catch (IOException e) {
        LOG.log(Level.WARNING, "could not delete loaded ingest log segments", e);
      }
    }
  }

  /** Loads groups in log order, retrying, splitting and setting aside (see the class comment). */
  private Delivery<Queued> newDelivery() {
    return Delivery.<Queued>builder(group -> {
          List<WriteBatch> batches = new ArrayList<>(group.size());
          for (Queued q : group) batches.add(q.batch);
          long end = group.get(group.size() - 1).position;
          try {
            target.load(batches, end);
          } catch (RuntimeException e) {
            failed(e);
            throw e;
          }
          advance(end);
        })
        .setAside((q, why) -> setAside(WriteBatchCodec.encode(q.batch), q.position, why))
        // a real transaction: does the target still record a position at all?
        .probe(() -> target.load(List.of(), loadedPosition()))
        .attempts(ATTEMPTS)
        .stopped(() -> replaying || isClosed())
        .build();
  }

  /**
   * Writes the record to {@code quarantine/} and moves the position past it.
   *
   * @throws RuntimeException when either fails (then nothing is skipped)
   */
  private void setAside(byte[] payload, long position, Exception why) {
    Path file = quarantine.resolve(String.format("%016x.batch", position));
    try {
      Files.createDirectories(quarantine);
      Files.write(file, payload, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new StorageException("cannot write " + file + ": " + e.getMessage(), e);
    }
    try {
      target.load(List.of(), position);
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a copy of a batch that stays in the log: harmless
      }
      throw e;
    }
    advance(position);
    LOG.log(Level.SEVERE, "a batch (" + payload.length + " bytes) cannot be loaded and was set aside in "
        + file + "; ingestion goes on", why);
  }

  private void failed(RuntimeException e) {
    lock.lock();
    try {
      if (failingSince == 0) failingSince = System.nanoTime();
      lastFailure = e;
    } finally {
      lock.unlock();
    }
  }

  /** Whether loads have failed for {@link #STALL_MS}; call with the lock held. */
  private boolean stalled() {
    return failingSince != 0 && System.nanoTime() - failingSince > TimeUnit.MILLISECONDS.toNanos(STALL_MS);
  }

  /** The refusal of a write while the loader is stalled; call with the lock held. */
  private StorageException stalledRefusal() {
    String why = "DuckDB has taken no rows for " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - failingSince)
        + " s and " + queuedRows + " acknowledged rows wait for it: " + lastFailure.getMessage();
    return lastFailure instanceof StorageFullException
        ? new StorageFullException(why, lastFailure) : new StorageException(why, lastFailure);
  }

  private void advance(long position) {
    lock.lock();
    try {
      loaded = position;
      failingSince = 0;
      lastFailure = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private long loadedPosition() {
    lock.lock();
    try {
      return loaded;
    } finally {
      lock.unlock();
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Loads everything queued, then stops. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      loader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (appendLock) {
      try {
        log.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "closing the ingest log failed", e);
      }
    }
    if (target instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing the load target failed", e);
      }
    }
  }
}
