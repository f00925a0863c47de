package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.OutcomeReader;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.TraceReader;
import dev.spindle.storage.TraceSearch;
import dev.spindle.storage.TransactionInsights;
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Embedded DuckDB storage: one database file; a few write connections (each batch is one
 * transaction, committed — and so in DuckDB's write-ahead log — before {@link SpanWriter#write}
 * returns; batches on different connections append in parallel) and a pool of read connections.
 *
 * <p>Schema: {@code spans} (one row per span, the transaction root flagged by
 * {@code is_segment}), {@code errors}, {@code client_reports}, and the metadata tables
 * {@code projects} and {@code api_tokens}. See {@code schema.sql} in this package.
 */
public final class DuckDbStorage implements Storage {
  private final DuckDBConnection root;
  private final Object writeLock = new Object();
  private final Writer writer;
  private final DuckDbQueries queries;
  private final DuckDbMetadata metadata;
  private final DuckDbInsights insights;
  private final ReadPool reads;
  private final DuckDbDiscover discover;

  private DuckDbStorage(DuckDBConnection root) throws SQLException {
    this.root = root;
    migrateTextIds(root);
    try (Statement s = root.createStatement()) {
      for (String ddl : Schema.DDL) s.execute(ddl);
      // Databases from before the trace index (or migrated): fill it once from the spans.
      s.execute("INSERT INTO trace_index SELECT trace_id, project_id, min(start_us), max(end_us) "
          + "FROM spans WHERE NOT EXISTS (SELECT 1 FROM trace_index) GROUP BY trace_id, project_id");
    }
    this.writer = new Writer(root, WRITE_CONNECTIONS);
    this.reads = new ReadPool(root, READ_CONNECTIONS);
    this.queries = new DuckDbQueries(this::readConnection);
    this.insights = new DuckDbInsights(this::readConnection);
    this.metadata = new DuckDbMetadata(root, writeLock, this::readConnection);
    this.discover = new DuckDbDiscover(this::readConnection);
  }

  /** Converts a database from before binary ids ({@link Schema#TEXT_ID_MIGRATION}). */
  private static void migrateTextIds(DuckDBConnection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT data_type FROM information_schema.columns "
            + "WHERE table_name = 'spans' AND column_name = 'trace_id'")) {
      if (!rs.next() || !rs.getString(1).equals("VARCHAR")) return;
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String sql : Schema.TEXT_ID_MIGRATION) s.execute(sql);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Opens (creating when missing) the database file {@code file}; its folder is created too. */
  public static DuckDbStorage open(Path file) {
    requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      return connect("jdbc:duckdb:" + file.toAbsolutePath());
    } catch (java.io.IOException e) {
      throw new StorageException("cannot create the folder of " + file, e);
    }
  }

  /** An in-memory database, lost on close: for tests and benchmarks. */
  public static DuckDbStorage inMemory() {
    return connect("jdbc:duckdb:");
  }

  private static DuckDbStorage connect(String url) {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      Properties props = new Properties();
      DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection(url, props);
      return new DuckDbStorage(c);
    } catch (SQLException | ClassNotFoundException e) {
      throw new StorageException("cannot open DuckDB at " + url + ": " + e.getMessage(), e);
    }
  }

  /** Read connections in the pool: reads run in parallel with each other and with the writer. */
  static final int READ_CONNECTIONS = Math.max(4, Runtime.getRuntime().availableProcessors());

  /**
   * Write connections: batches written at the same time append in parallel (DuckDB appends from
   * different connections do not conflict); only their commits are serialized by DuckDB.
   */
  static final int WRITE_CONNECTIONS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  Connection readConnection() throws SQLException {
    return reads.get();
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
  public long deleteOlderThan(long cutoffUs) {
    synchronized (writeLock) {
      long n = 0;
      try {
        root.setAutoCommit(false);
        n += delete("DELETE FROM spans WHERE end_us < ?", cutoffUs);
        delete("DELETE FROM trace_index WHERE end_us < ?", cutoffUs);
        n += delete("DELETE FROM errors WHERE timestamp_us < ?", cutoffUs);
        n += delete("DELETE FROM client_reports WHERE timestamp_us < ?", cutoffUs);
        root.commit();
        return n;
      } catch (SQLException e) {
        rollbackQuietly(root);
        throw new StorageException("retention delete failed: " + e.getMessage(), e);
      } finally {
        autoCommitQuietly(root);
      }
    }
  }

  private long delete(String sql, long cutoffUs) throws SQLException {
    try (PreparedStatement ps = root.prepareStatement(sql)) {
      ps.setLong(1, cutoffUs);
      return ps.executeUpdate();
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the next operation reports it
    }
  }

  private static void autoCommitQuietly(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // see rollbackQuietly
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      try {
        writer.close();
        reads.close();
        root.close();
      } catch (SQLException e) {
        throw new StorageException("close failed: " + e.getMessage(), e);
      }
    }
  }

  /** Appends batches through a small pool of connections, one transaction per batch. */
  private static final class Writer implements SpanWriter, AutoCloseable {
    private final ArrayBlockingQueue<DuckDBConnection> idle;
    private final DuckDBConnection[] all;

    Writer(DuckDBConnection root, int connections) throws SQLException {
      idle = new ArrayBlockingQueue<>(connections);
      all = new DuckDBConnection[connections];
      for (int i = 0; i < connections; i++) {
        all[i] = (DuckDBConnection) root.duplicate();
        idle.add(all[i]);
      }
    }

    @Override
    public void write(WriteBatch batch) {
      requireNonNull(batch, "batch");
      if (batch.isEmpty()) return;
      DuckDBConnection c = lease();
      try {
        c.setAutoCommit(false);
        if (!batch.spans().isEmpty()) appendSpans(c, batch);
        if (!batch.errors().isEmpty()) appendErrors(c, batch);
        if (!batch.clientReports().isEmpty()) appendReports(c, batch);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw new StorageException("write of " + batch.size() + " rows failed: " + e.getMessage(), e);
      } finally {
        autoCommitQuietly(c);
        idle.add(c);
      }
    }

    private DuckDBConnection lease() {
      try {
        DuckDBConnection c = idle.poll(30, TimeUnit.SECONDS);
        if (c == null) throw new StorageException("no write connection free within 30 s");
        return c;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for a write connection", e);
      }
    }

    private static void appendSpans(DuckDBConnection c, WriteBatch batch) throws SQLException {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spans")) {
        for (SpanRow r : batch.spans()) {
          a.beginRow();
          a.append(r.projectId());
          uuid(a, r.traceId());
          id64(a, r.spanId());
          id64(a, r.parentSpanId());
          uuid(a, r.segmentId());
          a.append(r.segment());
          str(a, r.transaction());
          str(a, r.transactionSource());
          str(a, r.op());
          str(a, r.description());
          a.append(r.status());
          a.append(r.startUs());
          a.append(r.endUs());
          map(a, r.tags());
          str(a, r.dataJson());
          str(a, r.release());
          str(a, r.environment());
          str(a, r.user());
          a.append(r.sampleRate());
          str(a, r.service());
          str(a, r.platform());
          a.endRow();
        }
        a.flush();
      }
      appendTraceIndex(c, batch);
    }

    private static void appendTraceIndex(DuckDBConnection c, WriteBatch batch) throws SQLException {
      Map<TraceKey, long[]> ranges = new HashMap<>();
      for (SpanRow r : batch.spans()) {
        long[] range = ranges.computeIfAbsent(new TraceKey(r.traceId(), r.projectId()),
            k -> new long[] {r.startUs(), r.endUs()});
        range[0] = Math.min(range[0], r.startUs());
        range[1] = Math.max(range[1], r.endUs());
      }
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "trace_index")) {
        for (Map.Entry<TraceKey, long[]> e : ranges.entrySet()) {
          a.beginRow();
          uuid(a, e.getKey().traceId());
          a.append(e.getKey().projectId());
          a.append(e.getValue()[0]);
          a.append(e.getValue()[1]);
          a.endRow();
        }
        a.flush();
      }
    }

    private record TraceKey(String traceId, long projectId) {}

    private static void appendErrors(DuckDBConnection c, WriteBatch batch) throws SQLException {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "errors")) {
        for (ErrorRow r : batch.errors()) {
          a.beginRow();
          a.append(r.projectId());
          uuid(a, r.eventId());
          uuid(a, r.traceId());
          id64(a, r.spanId());
          a.append(r.timestampUs());
          a.append(r.level());
          str(a, r.message());
          str(a, r.exceptionType());
          str(a, r.transaction());
          map(a, r.tags());
          str(a, r.release());
          str(a, r.environment());
          str(a, r.user());
          str(a, r.platform());
          str(a, r.payloadJson());
          a.endRow();
        }
        a.flush();
      }
    }

    private static void appendReports(DuckDBConnection c, WriteBatch batch) throws SQLException {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "client_reports")) {
        for (ClientReportRow r : batch.clientReports()) {
          a.beginRow();
          a.append(r.projectId());
          a.append(r.timestampUs());
          a.append(r.reason());
          a.append(r.category());
          a.append(r.quantity());
          a.endRow();
        }
        a.flush();
      }
    }

    @Override
    public void close() throws SQLException {
      for (DuckDBConnection c : all) c.close();
    }
  }

  private static void str(DuckDBAppender a, String v) throws SQLException {
    if (v == null) a.appendNull();
    else a.append(v);
  }

  /** A 32-hex id (or null) as a UUID. */
  private static void uuid(DuckDBAppender a, String hex) throws SQLException {
    if (hex == null) a.appendNull();
    else a.appendUUID(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
  }

  /** A 16-hex span id (or null) as a UBIGINT. */
  private static void id64(DuckDBAppender a, String hex) throws SQLException {
    if (hex == null) a.appendNull();
    else a.append(Long.parseUnsignedLong(hex, 16));
  }

  /** Tags as a MAP; none as NULL (appending an empty map costs as much as a full one). */
  private static void map(DuckDBAppender a, Map<String, String> m) throws SQLException {
    if (m.isEmpty()) a.appendNull();
    else a.append(m);
  }
}
