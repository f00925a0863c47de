package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.duckdb.DuckDBConnection;

/**
 * Durable writes without one DuckDB transaction per request. {@link #write} appends the batch to
 * the {@link IngestLog} (fsync'ed: durable when it returns) and queues it; a loader thread moves
 * queued batches into DuckDB in large transactions (DuckDB's cost per transaction is
 * milliseconds, so small ones dominate), recording in the same transaction how far the log is
 * loaded. On open, the log after that position is replayed, so every acknowledged batch lands in
 * DuckDB exactly once, whenever the process died.
 *
 * <p>Queries call {@link #awaitVisible} first: the loader then loads at once what was acknowledged
 * before the query, so a read sees every write that returned before it. Memory is bounded: a
 * write waits while more than {@link #MAX_QUEUED_ROWS} rows wait for the loader.
 */
final class LogLoader implements BatchWriter {
  private static final Logger LOG = Logger.getLogger(LogLoader.class.getName());

  /** Rows acknowledged but not yet in DuckDB, at most (a larger single batch still passes alone). */
  static final int MAX_QUEUED_ROWS = 100_000;
  /** Rows per DuckDB transaction, at most. */
  static final int MAX_LOAD_ROWS = 100_000;
  /** Fewer rows than this wait up to {@link #LINGER_MS} for more, unless a query waits. */
  static final int MIN_LOAD_ROWS = 20_000;
  static final long LINGER_MS = 200;
  /** How long a write waits for room, and a query for its rows, before giving up. */
  static final long WAIT_MS = 30_000;

  static final String POSITION_DDL =
      "CREATE TABLE IF NOT EXISTS ingest_log (id INTEGER PRIMARY KEY, position BIGINT NOT NULL)";

  private record Queued(WriteBatch batch, long position) {}

  private final DuckDBConnection c;
  private final IngestLog log;
  private final Object appendLock = new Object();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final Thread loader;
  private int queuedRows;
  private long appended;
  private long loaded;
  private boolean readerWaiting;
  private boolean closed;

  private LogLoader(DuckDBConnection c, IngestLog log, long loaded) {
    this.c = c;
    this.log = log;
    this.loaded = loaded;
    this.appended = loaded;
    this.loader = new Thread(this::run, "spindle-duckdb-loader");
    loader.setDaemon(true);
    loader.start();
  }

  /** Opens the log in {@code dir}, loads what it holds after the recorded position, and starts. */
  static LogLoader open(DuckDBConnection c, Path dir) throws SQLException, IOException {
    requireNonNull(c, "c");
    try (Statement s = c.createStatement()) {
      s.execute(POSITION_DDL);
    }
    long position = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT position FROM ingest_log WHERE id = 1")) {
      if (rs.next()) position = rs.getLong(1);
    }
    IngestLog log = new IngestLog(dir, IngestLog.SEGMENT_BYTES);
    List<WriteBatch> replayed = new ArrayList<>();
    int[] rows = {0};
    long[] end = {position};
    log.replay(position, (payload, endPosition) -> {
      WriteBatch b = RowCodec.decode(payload);
      replayed.add(b);
      rows[0] += b.size();
      end[0] = endPosition;
      if (rows[0] >= MAX_LOAD_ROWS) {
        load(c, replayed, endPosition);
        replayed.clear();
        rows[0] = 0;
      }
    });
    if (end[0] != position) {
      load(c, replayed, end[0]);
      LOG.info("ingest log replayed into DuckDB up to position " + end[0]);
    }
    log.deleteBefore(end[0]);
    return new LogLoader(c, log, end[0]);
  }

  @Override
  public void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    byte[] bytes = RowCodec.encode(batch);
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (!closed && queuedRows > 0 && queuedRows + batch.size() > MAX_QUEUED_ROWS) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new StorageException("DuckDB loading is " + queuedRows + " rows behind");
        changed.awaitNanos(left);
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
      if (!queued) release(batch.size());
    }
  }

  private void release(int rows) {
    lock.lock();
    try {
      queuedRows -= rows;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void awaitVisible() {
    lock.lock();
    try {
      long target = appended;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (loaded < target && !closed) {
        readerWaiting = true;
        changed.signalAll();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warning("a query did not wait longer for the loader (" + queuedRows + " rows queued)");
          return;
        }
        changed.awaitNanos(left);
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
      if (!loadWithRetries(group)) return; // closing while DuckDB fails: the log keeps the rest
      lock.lock();
      try {
        queuedRows -= rows;
        loaded = group.get(group.size() - 1).position;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        log.deleteBefore(loaded);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "could not delete loaded ingest log segments", e);
      }
    }
  }

  /** Loads the group, retrying with backoff while DuckDB fails; false when closed meanwhile. */
  private boolean loadWithRetries(List<Queued> group) {
    List<WriteBatch> batches = new ArrayList<>(group.size());
    for (Queued q : group) batches.add(q.batch);
    long position = group.get(group.size() - 1).position;
    long backoffMs = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        load(c, batches, position);
        return true;
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "loading " + batches.size() + " batches into DuckDB failed (attempt "
            + attempt + "); the ingest log keeps them", e);
        if (isClosed() && attempt >= 3) return false;
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return false;
        }
        backoffMs = Math.min(5_000, backoffMs * 2);
      }
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

  /** One DuckDB transaction: the rows and the log position they reach. */
  private static void load(DuckDBConnection c, List<WriteBatch> batches, long position) {
    try {
      c.setAutoCommit(false);
      RowAppender.append(c, batches.size() == 1 ? batches.get(0) : WriteBatch.concat(batches));
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO ingest_log VALUES (1, ?)")) {
        ps.setLong(1, position);
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      DuckDbStorage.rollbackQuietly(c);
      throw new StorageException("loading into DuckDB failed: " + e.getMessage(), e);
    } finally {
      DuckDbStorage.autoCommitQuietly(c);
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
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
