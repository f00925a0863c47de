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
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Embedded DuckDB storage: one database file, one writer connection (writes are serialized and
 * each batch is one transaction, committed — and so in DuckDB's write-ahead log — before
 * {@link SpanWriter#write} returns), and a fresh duplicate connection per read.
 *
 * <p>Schema: {@code spans} (one row per span, the transaction root flagged by
 * {@code is_segment}), {@code errors}, {@code client_reports}, and the metadata tables
 * {@code projects} and {@code api_tokens}. See {@code schema.sql} in this package.
 */
public final class DuckDbStorage implements Storage {
  private final DuckDBConnection root;
  private final Object writeLock = new Object();
  private final Writer writer = new Writer();
  private final DuckDbQueries queries;
  private final DuckDbMetadata metadata;
  private final ReadPool reads;
  private final DuckDbDiscover discover;

  private DuckDbStorage(DuckDBConnection root) throws SQLException {
    this.root = root;
    try (Statement s = root.createStatement()) {
      for (String ddl : Schema.DDL) s.execute(ddl);
      // Databases from before the trace index: fill it once from the spans.
      s.execute("INSERT INTO trace_index SELECT trace_id, project_id, min(start_us), max(end_us) "
          + "FROM spans WHERE NOT EXISTS (SELECT 1 FROM trace_index) GROUP BY trace_id, project_id");
    }
    this.reads = new ReadPool(root, READ_CONNECTIONS);
    this.queries = new DuckDbQueries(this::readConnection);
    this.metadata = new DuckDbMetadata(root, writeLock, this::readConnection);
    this.discover = new DuckDbDiscover(this::readConnection);
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
        rollbackQuietly();
        throw new StorageException("retention delete failed: " + e.getMessage(), e);
      } finally {
        autoCommitQuietly();
      }
    }
  }

  private long delete(String sql, long cutoffUs) throws SQLException {
    try (PreparedStatement ps = root.prepareStatement(sql)) {
      ps.setLong(1, cutoffUs);
      return ps.executeUpdate();
    }
  }

  private void rollbackQuietly() {
    try {
      root.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the next operation reports it
    }
  }

  private void autoCommitQuietly() {
    try {
      root.setAutoCommit(true);
    } catch (SQLException ignored) {
      // see rollbackQuietly
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      try {
        reads.close();
        root.close();
      } catch (SQLException e) {
        throw new StorageException("close failed: " + e.getMessage(), e);
      }
    }
  }

  private final class Writer implements SpanWriter {
    @Override
    public void write(WriteBatch batch) {
      requireNonNull(batch, "batch");
      if (batch.isEmpty()) return;
      synchronized (writeLock) {
        try {
          root.setAutoCommit(false);
          if (!batch.spans().isEmpty()) appendSpans(batch);
          if (!batch.errors().isEmpty()) appendErrors(batch);
          if (!batch.clientReports().isEmpty()) appendReports(batch);
          root.commit();
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly();
          throw new StorageException("write of " + batch.size() + " rows failed: " + e.getMessage(), e);
        } finally {
          autoCommitQuietly();
        }
      }
    }

    private void appendSpans(WriteBatch batch) throws SQLException {
      try (DuckDBAppender a = root.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spans")) {
        for (SpanRow r : batch.spans()) {
          a.beginRow();
          a.append(r.projectId());
          a.append(r.traceId());
          a.append(r.spanId());
          str(a, r.parentSpanId());
          str(a, r.segmentId());
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
      appendTraceIndex(batch);
    }

    private void appendTraceIndex(WriteBatch batch) throws SQLException {
      Map<String, long[]> ranges = new HashMap<>();
      for (SpanRow r : batch.spans()) {
        long[] range = ranges.computeIfAbsent(r.traceId() + '/' + r.projectId(),
            k -> new long[] {r.projectId(), r.startUs(), r.endUs()});
        range[1] = Math.min(range[1], r.startUs());
        range[2] = Math.max(range[2], r.endUs());
      }
      try (DuckDBAppender a = root.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "trace_index")) {
        for (Map.Entry<String, long[]> e : ranges.entrySet()) {
          a.beginRow();
          a.append(e.getKey().substring(0, e.getKey().indexOf('/')));
          a.append(e.getValue()[0]);
          a.append(e.getValue()[1]);
          a.append(e.getValue()[2]);
          a.endRow();
        }
        a.flush();
      }
    }

    private void appendErrors(WriteBatch batch) throws SQLException {
      try (DuckDBAppender a = root.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "errors")) {
        for (ErrorRow r : batch.errors()) {
          a.beginRow();
          a.append(r.projectId());
          a.append(r.eventId());
          str(a, r.traceId());
          str(a, r.spanId());
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

    private void appendReports(WriteBatch batch) throws SQLException {
      try (DuckDBAppender a = root.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "client_reports")) {
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
  }

  private static void str(DuckDBAppender a, String v) throws SQLException {
    if (v == null) a.appendNull();
    else a.append(v);
  }

  private static void map(DuckDBAppender a, Map<String, String> m) throws SQLException {
    a.append(m);
  }
}
