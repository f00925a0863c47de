package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.OutcomeReader;
import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.ServiceMapReader;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.TraceReader;
import dev.spindle.storage.TraceSearch;
import dev.spindle.storage.TransactionInsights;
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.VerdictReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * Embedded DuckDB storage: one database file, with an ingest log beside it
 * ({@code <file>.ingest/}): {@link SpanWriter#write} returns once the batch is in the fsync'ed
 * log, and a loader moves logged batches into DuckDB in large transactions ({@link LogLoader});
 * queries first wait for what was acknowledged before them, so they see every finished write.
 * The in-memory database writes each batch as one transaction instead. Reads use a pool of
 * connections.
 *
 * <p>Schema: {@code spans} (one row per span, the transaction root flagged by
 * {@code is_segment}), {@code errors}, {@code client_reports}, {@code trace_index}, the metadata
 * tables {@code projects}, {@code api_tokens}, {@code ui_sessions} and
 * {@code transaction_name_rules}, the loader's
 * {@code ingest_log} and the service map's rollup ({@code map_*}, {@link CallRollup}); see
 * {@link Schema}.
 */
public final class DuckDbStorage implements Storage {
  private final DuckDBConnection root;
  private final Object writeLock = new Object();
  private final BatchWriter writer;
  private final DuckDbQueries queries;
  private final DuckDbMetadata metadata;
  private final DuckDbInsights insights;
  private final ReadPool reads;
  private final DuckDbDiscover discover;
  private final DuckDbServiceMap serviceMap;
  private final DuckDbVerdicts verdicts;
  private final DuckDbSegments segments;
  private final CallRollup rollup;

  /** @param file the database file, or null for an in-memory database (direct writes, no log) */
  private DuckDbStorage(DuckDBConnection root, Path file, boolean rollUpInBackground)
      throws SQLException, IOException {
    this.root = root;
    migrateTextIds(root);
    boolean rollupExisted = tableExists(root, "map_marks");
    boolean clientEndsExisted = tableExists(root, "map_client_ends");
    try (Statement s = root.createStatement()) {
      s.execute(Schema.CHECKPOINT_THRESHOLD);
      for (String ddl : Schema.DDL) s.execute(ddl);
      // Databases from before the trace index (or migrated): fill it once from the spans.
      s.execute("INSERT INTO trace_index SELECT trace_id, project_id, min(start_us), max(end_us) "
          + "FROM spans WHERE NOT EXISTS (SELECT 1 FROM trace_index) GROUP BY trace_id, project_id");
    }
    if (!rollupExisted) CallRollup.markAll(root); // the service map's rollup starts with every minute
    if (!clientEndsExisted) CallRollup.fillClientEnds(root);
    StoredTraces stored = StoredTraces.load(root);
    DuckDBConnection load = (DuckDBConnection) root.duplicate();
    this.writer = file == null ? new DirectWriter(load, stored)
        : LogLoader.open(new DuckDbLoadTarget(load, file, stored), file.resolveSibling(file.getFileName() + ".ingest"));
    this.reads = new ReadPool(root, READ_CONNECTIONS);
    this.queries = new DuckDbQueries(this::dataConnection);
    this.insights = new DuckDbInsights(this::dataConnection);
    this.metadata = new DuckDbMetadata(root, writeLock, this::readConnection);
    this.discover = new DuckDbDiscover(this::dataConnection);
    this.serviceMap = new DuckDbServiceMap(this::dataConnection, metadata);
    this.verdicts = new DuckDbVerdicts(this::dataConnection, metadata);
    this.segments = new DuckDbSegments(root, writeLock, writer, this::dataConnection);
    this.rollup = new CallRollup((DuckDBConnection) root.duplicate(), writer::awaitVisible);
    if (rollUpInBackground) rollup.start();
  }

  private static boolean tableExists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM information_schema.tables WHERE table_name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Converts a database from before binary ids ({@link Schema#TEXT_ID_MIGRATION}). */
  private static void migrateTextIds(DuckDBConnection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT data_type FROM information_schema.columns "
            + "WHERE table_name = 'spans' AND column_name = 'trace_id'")) {
      if (!rs.next() || !rs.getString(1).equals("VARCHAR")) return;
    }
    Transactions.run(c, () -> {
      try (Statement s = c.createStatement()) {
        for (String sql : Schema.TEXT_ID_MIGRATION) s.execute(sql);
      }
    });
  }

  /** Opens (creating when missing) the database file {@code file}; its folder is created too. */
  public static DuckDbStorage open(Path file) {
    return open(file, true);
  }

  /** {@link #open(Path)}; tests roll the service map up themselves ({@link CallRollup#rollUp}). */
  static DuckDbStorage open(Path file, boolean rollUpInBackground) {
    requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StorageException("cannot create the folder of " + file, e);
    }
    Path abs = file.toAbsolutePath();
    return connect(abs, rollUpInBackground);
  }

  /** An in-memory database, lost on close: for tests and benchmarks. */
  public static DuckDbStorage inMemory() {
    return connect(null, true);
  }

  private static DuckDbStorage connect(Path file, boolean rollUpInBackground) {
    String url = "jdbc:duckdb:" + (file == null ? "" : file);
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      Properties props = new Properties();
      DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection(url, props);
      try {
        return new DuckDbStorage(c, file, rollUpInBackground);
      } catch (SQLException | IOException | RuntimeException e) {
        c.close(); // else the file stays locked by this process
        throw e;
      }
    } catch (SQLException | ClassNotFoundException | IOException e) {
      throw new StorageException("cannot open DuckDB at " + url + ": " + e.getMessage(), e);
    }
  }

  /** Read connections in the pool: reads run in parallel with each other and with the writer. */
  static final int READ_CONNECTIONS = Math.max(4, Runtime.getRuntime().availableProcessors());

  Connection readConnection() throws SQLException {
    return reads.get();
  }

  /** A read connection for span, error and report data: first waits for acknowledged writes. */
  private Connection dataConnection() throws SQLException {
    writer.awaitVisible();
    return reads.get();
  }

  /** The service map's rollup (tests roll up at once with {@link CallRollup#rollUp}). */
  CallRollup rollup() {
    return rollup;
  }

  @Override
  public SpanWriter writer() {
    return writer;
  }

  @Override
  public TraceReader traces() {
    return queries;
  }

  @Override
  public TraceSearch search() {
    return queries;
  }

  @Override
  public TransactionAggregator aggregator() {
    return queries;
  }

  @Override
  public OutcomeReader outcomes() {
    return queries;
  }

  @Override
  public TransactionInsights insights() {
    return insights;
  }

  @Override
  public MetadataStore metadata() {
    return metadata;
  }

  @Override
  public dev.spindle.storage.discover.DiscoverStore discover() {
    return discover;
  }

  @Override
  public ServiceMapReader serviceMap() {
    return serviceMap;
  }

  @Override
  public VerdictReader verdicts() {
    return verdicts;
  }

  @Override
  public SegmentStore segments() {
    return segments;
  }

  @Override
  public long deleteOlderThan(long cutoffUs) {
    writer.awaitVisible(); // old rows still on their way from the ingest log are deleted too
    synchronized (writeLock) {
      long[] n = {0};
      try {
        rollup.exclusive(() -> Transactions.run(root, () -> {
          n[0] += delete("DELETE FROM spans WHERE end_us < ?", cutoffUs);
          delete("DELETE FROM trace_index WHERE end_us < ?", cutoffUs);
          n[0] += delete("DELETE FROM errors WHERE timestamp_us < ?", cutoffUs);
          n[0] += delete("DELETE FROM client_reports WHERE timestamp_us < ?", cutoffUs);
          CallRollup.deleteBefore(root, cutoffUs);
        }));
        return n[0];
      } catch (SQLException e) {
        throw new StorageException("retention delete failed: " + e.getMessage(), e);
      }
    }
  }

  private long delete(String sql, long cutoffUs) throws SQLException {
    try (PreparedStatement ps = root.prepareStatement(sql)) {
      ps.setLong(1, cutoffUs);
      return ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      try {
        rollup.close();
        writer.close();
        reads.close();
        root.close();
      } catch (SQLException e) {
        throw new StorageException("close failed: " + e.getMessage(), e);
      }
    }
  }

}
