package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.StorageFullException;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB as the loader's target: the rows and the position in one transaction.
 *
 * <p>A file database checkpoints here, not by itself ({@link Schema#CHECKPOINT_THRESHOLD}): a
 * checkpoint that fails for want of room invalidates the database until the process restarts,
 * while a commit whose write-ahead log write fails leaves it usable. So a checkpoint runs after a
 * load once the log passes {@link #CHECKPOINT_BYTES}, and only while the disk has room for what
 * it writes (the log's size again, at most); meanwhile loads that find the disk full fail, are
 * retried, and succeed once there is room.
 */
final class DuckDbLoadTarget implements LoadTarget, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DuckDbLoadTarget.class.getName());
  /** The write-ahead log's size past which a load is followed by a checkpoint. */
  static final long CHECKPOINT_BYTES = 256L << 20;
  /** Usable bytes below which a failed load is blamed on a full disk. */
  private static final long ROOM_BYTES = 16L << 20;

  private final DuckDBConnection c;
  private final StoredTraces stored;
  private final Path file;
  private final Path wal;

  /** @param c a connection to an in-memory database with {@link Schema#DDL} applied */
  DuckDbLoadTarget(DuckDBConnection c) throws SQLException {
    this(c, null, StoredTraces.load(c));
  }

  /**
   * @param file   the database's file, or null for an in-memory database
   * @param stored the traces with trace index rows (loads add theirs)
   */
  DuckDbLoadTarget(DuckDBConnection c, Path file, StoredTraces stored) {
    this.c = requireNonNull(c, "c");
    this.stored = requireNonNull(stored, "stored");
    this.file = file;
    this.wal = file == null ? null : file.resolveSibling(file.getFileName() + ".wal");
  }

  @Override
  public long loadedPosition() {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT position FROM ingest_log WHERE id = 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StorageException("cannot read the ingest log position: " + e.getMessage(), e);
    }
  }

  @Override
  public void load(List<WriteBatch> batches, long position) {
    try {
      Transactions.run(c, () -> {
        RowAppender.append(c, batches.size() == 1 ? batches.get(0) : WriteBatch.concat(batches), stored);
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO ingest_log VALUES (1, ?)")) {
          ps.setLong(1, position);
          ps.executeUpdate();
        }
      });
    } catch (SQLException | RuntimeException e) {
      String noRoom = file == null ? null : DiskRoom.noRoom(file.getParent(), ROOM_BYTES);
      if (noRoom != null) throw new StorageFullException("DuckDB's disk is " + noRoom + ": " + e.getMessage(), e);
      throw new StorageException("loading into DuckDB failed: " + e.getMessage(), e);
    }
    checkpointIfDue();
  }

  private void checkpointIfDue() {
    if (wal == null) return;
    long walBytes;
    try {
      walBytes = Files.size(wal);
    } catch (IOException e) {
      return; // no log: nothing to checkpoint
    }
    if (walBytes < CHECKPOINT_BYTES) return;
    String noRoom = DiskRoom.noRoom(file.getParent(), walBytes + ROOM_BYTES);
    if (noRoom != null) {
      LOG.warning("DuckDB's disk is " + noRoom + ": not checkpointing a " + walBytes
          + "-byte write-ahead log until there is room (a failed checkpoint would need a restart)");
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      LOG.warning("checkpoint failed (retried after the next load): " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
