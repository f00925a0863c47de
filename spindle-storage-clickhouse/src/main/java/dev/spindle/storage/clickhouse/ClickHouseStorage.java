package dev.spindle.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.OutcomeReader;
import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.ServiceMapReader;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.TraceReader;
import dev.spindle.storage.TraceSearch;
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.TransactionInsights;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.discover.DiscoverStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * ClickHouse storage over the HTTP interface; runs on Debian's ClickHouse 18.16 and on current
 * servers (see {@link ClickHouseSchema} for the tables). Open it with {@link #builder(String)}.
 *
 * <p><b>Writes</b> are {@code INSERT ... FORMAT JSONEachRow}, one per table. ClickHouse has no
 * transaction across tables, so a failed batch may be partly written; writing it again is safe:
 * spans and errors are ReplacingMergeTree rows keyed by their ids, searches and aggregates read
 * with {@code FINAL} and trace reads drop identical copies by key, so a batch written twice (a
 * replay after a crash) reads back once. Client reports
 * carry no id and are counted again when replayed. A write returns once ClickHouse has the rows
 * in a data part (on a cluster, once every shard has them: {@code insert_distributed_sync}).
 *
 * <p><b>Retention</b>: on servers with TTL the tables expire rows by themselves when
 * {@link Builder#ttlDays} is set; {@link #deleteOlderThan} works everywhere by dropping whole
 * day partitions and deleting the rest with a mutation it waits for.
 */
public final class ClickHouseStorage implements Storage {
  private static final Logger LOG = Logger.getLogger(ClickHouseStorage.class.getName());

  private final ClickHouseHttp http;
  private final String database;
  private final ClickHouseSchema schema;
  private final ServerVersion version;
  private final ClickHouseQueries queries;
  private final ClickHouseInsights insights;
  private final ClickHouseMetadata metadata;
  private final ClickHouseDiscover discover;
  private final ClickHouseServiceMap serviceMap;
  private final ClickHouseVerdicts verdicts;
  private final Map<String, String> insertSettings;
  private final SpanWriter writer = this::write;
  private final ClickHouseSegments segments;

  private ClickHouseStorage(Builder b) {
    this.http = new ClickHouseHttp(b.url, b.user, b.password, b.timeout);
    this.database = b.database;
    this.version = ServerVersion.parse(http.query("SELECT version() AS v").get(0).get("v").asText());
    this.schema = new ClickHouseSchema(b.database, b.cluster, b.onCluster, version, b.ttlDays);
    SchemaSetup setup = new SchemaSetup(http, schema, b.database, b.cluster);
    boolean plainMetadata = setup.apply();
    if (b.cluster != null) setup.awaitShards(plainMetadata, b.shardWait);
    this.queries = new ClickHouseQueries(http, schema);
    this.insights = new ClickHouseInsights(http, schema);
    this.insertSettings = b.cluster == null ? Map.of() : Map.of("insert_distributed_sync", "1");
    this.metadata = new ClickHouseMetadata(http, b.database, insertSettings,
        plainMetadata ? b.database + ".ui_sessions" : schema.local("ui_sessions"));
    this.discover = new ClickHouseDiscover(http, schema);
    this.serviceMap = new ClickHouseServiceMap(http, schema, metadata);
    this.verdicts = new ClickHouseVerdicts(http, schema, metadata, serviceMap);
    this.segments = new ClickHouseSegments(http, schema, writer);
    LOG.fine(() -> "ClickHouse " + version + " at " + b.url + ", database " + b.database
        + (b.cluster == null ? "" : ", cluster " + b.cluster));
  }

  /** A builder for the server at {@code url}, e.g. {@code http://127.0.0.1:8123}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The server's version, as {@code major.minor}. */
  public String serverVersion() {
    return version.toString();
  }

  /** Whether the schema uses what only current servers have (TTL, codecs, LowCardinality...). */
  public boolean modernSchema() {
    return schema.modern();
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
  public TransactionInsights insights() {
    return insights;
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
  public DiscoverStore discover() {
    return discover;
  }

  @Override
  public ServiceMapReader serviceMap() {
    return serviceMap;
  }

  @Override
  public dev.spindle.storage.VerdictReader verdicts() {
    return verdicts;
  }

  @Override
  public SegmentStore segments() {
    return segments;
  }

  // ---------------------------------------------------------------- writes

  private void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    try {
      if (!batch.spans().isEmpty()) http.insert(schema.table("spans"), spans(batch.spans()), insertSettings);
      if (!batch.errors().isEmpty()) http.insert(schema.table("errors"), errors(batch.errors()), insertSettings);
      if (!batch.clientReports().isEmpty()) {
        http.insert(schema.table("client_reports"), reports(batch.clientReports()), insertSettings);
      }
    } catch (IOException e) {
      throw new StorageException("write of " + batch.size() + " rows failed: " + e.getMessage(), e);
    }
  }

  private static void time(JsonGenerator g, String seconds, String micros, long us) throws IOException {
    if (us < 0) throw new StorageException("time: " + us + " us (expected: >= 0, after 1970, on ClickHouse)");
    g.writeNumberField(seconds, us / 1_000_000);
    g.writeNumberField(micros, us % 1_000_000);
  }

  private static void tags(JsonGenerator g, Map<String, String> tags) throws IOException {
    g.writeArrayFieldStart("tags.key");
    for (String k : tags.keySet()) g.writeString(k);
    g.writeEndArray();
    g.writeArrayFieldStart("tags.value");
    for (String v : tags.values()) g.writeString(v);
    g.writeEndArray();
  }

  private static byte[] spans(List<SpanRow> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 400);
    try (JsonGenerator g = ClickHouseHttp.JSON.createGenerator(out)) {
      g.setRootValueSeparator(null);
      for (SpanRow r : rows) {
        g.writeStartObject();
        g.writeNumberField("project_id", r.projectId());
        g.writeStringField("trace_id", r.traceId());
        g.writeStringField("span_id", r.spanId());
        g.writeStringField("parent_span_id", r.parentSpanId());
        g.writeStringField("segment_id", r.segmentId());
        g.writeNumberField("is_segment", r.segment() ? 1 : 0);
        g.writeStringField("transaction", r.transaction());
        g.writeStringField("transaction_source", r.transactionSource());
        g.writeStringField("op", r.op());
        g.writeStringField("description", r.description());
        g.writeStringField("status", r.status());
        time(g, "start_time", "start_micros", r.startUs());
        g.writeNumberField("duration_us", r.durationUs());
        tags(g, r.tags());
        g.writeStringField("data", r.dataJson());
        g.writeStringField("release", r.release());
        g.writeStringField("environment", r.environment());
        g.writeStringField("user_key", r.user());
        g.writeNumberField("sample_rate", r.sampleRate());
        g.writeStringField("service", r.service());
        g.writeStringField("platform", r.platform());
        g.writeStringField("transaction_op", r.transactionOp());
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
    return out.toByteArray();
  }

  private static byte[] errors(List<ErrorRow> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 600);
    try (JsonGenerator g = ClickHouseHttp.JSON.createGenerator(out)) {
      g.setRootValueSeparator(null);
      for (ErrorRow r : rows) {
        g.writeStartObject();
        g.writeNumberField("project_id", r.projectId());
        g.writeStringField("event_id", r.eventId());
        g.writeStringField("trace_id", r.traceId() == null ? "" : r.traceId());
        g.writeStringField("span_id", r.spanId());
        time(g, "timestamp", "timestamp_micros", r.timestampUs());
        g.writeStringField("level", r.level());
        g.writeStringField("message", r.message());
        g.writeStringField("exception_type", r.exceptionType());
        g.writeStringField("transaction", r.transaction());
        tags(g, r.tags());
        g.writeStringField("release", r.release());
        g.writeStringField("environment", r.environment());
        g.writeStringField("user_key", r.user());
        g.writeStringField("platform", r.platform());
        g.writeStringField("payload", r.payloadJson());
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
    return out.toByteArray();
  }

  private static byte[] reports(List<ClientReportRow> rows) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 100);
    try (JsonGenerator g = ClickHouseHttp.JSON.createGenerator(out)) {
      g.setRootValueSeparator(null);
      for (ClientReportRow r : rows) {
        g.writeStartObject();
        g.writeNumberField("project_id", r.projectId());
        time(g, "time", "time_micros", r.timestampUs());
        g.writeStringField("reason", r.reason());
        g.writeStringField("category", r.category());
        g.writeNumberField("quantity", r.quantity());
        g.writeStringField("replay_key", r.replayKey());
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- retention

  @Override
  public synchronized long deleteOlderThan(long cutoffUs) {
    long deleted = count("SELECT count() AS n FROM " + schema.table("spans") + " FINAL WHERE "
        + ClickHouseSchema.END_US + " < " + cutoffUs)
        + count("SELECT count() AS n FROM " + schema.table("errors") + " FINAL WHERE timestamp_us < " + cutoffUs)
        + count("SELECT count() AS n FROM " + schema.table("client_reports") + " WHERE timestamp_us < " + cutoffUs);
    for (String[] t : ClickHouseSchema.RETAINED) expire(t[0], t[1], t[2], cutoffUs);
    String index = schema.local("trace_index");
    for (JsonNode p : http.query("SELECT toYYYYMM(lo) AS p FROM " + index + " GROUP BY p HAVING max(hi) < toDateTime("
        + cutoffUs / 1_000_000 + ")")) {
      http.execute("ALTER TABLE " + index + " DROP PARTITION " + p.get("p").asLong());
    }
    return deleted;
  }

  private long count(String sql) {
    return http.query(sql).get(0).get("n").asLong();
  }

  /** Drops the day partitions wholly older than the cutoff, deletes older rows from the others. */
  private void expire(String name, String partitionColumn, String endExpression, long cutoffUs) {
    String local = schema.local(name);
    boolean partial = false;
    for (JsonNode p : http.query("SELECT toYYYYMMDD(" + partitionColumn + ") AS p, min(" + endExpression
        + ") AS lo, max(" + endExpression + ") AS hi FROM " + local + " GROUP BY p HAVING lo < " + cutoffUs)) {
      if (p.get("hi").asLong() < cutoffUs) {
        http.execute("ALTER TABLE " + local + " DROP PARTITION " + p.get("p").asLong());
      } else {
        partial = true;
      }
    }
    if (!partial) return;
    http.execute("ALTER TABLE " + local + " DELETE WHERE " + endExpression + " < " + cutoffUs);
    awaitMutations(local);
  }

  private void awaitMutations(String localTable) {
    String[] dbTable = localTable.split("\\.");
    String sql = new Sql("SELECT count() AS n FROM system.mutations WHERE database = ").str(dbTable[0])
        .sql(" AND table = ").str(dbTable[1]).sql(" AND is_done = 0").toString();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (count(sql) > 0) {
      if (System.nanoTime() > deadline) throw new StorageException("retention mutation on " + localTable + " still running after 5 minutes");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for a retention mutation", e);
      }
    }
  }

  /** Drops the whole database: for tests and benchmarks. */
  public void dropAll() {
    http.execute("DROP DATABASE IF EXISTS " + database);
  }

  /** Bytes on disk (compressed) and rows of the active parts of the span table on this node. */
  public long[] spanTableSize() {
    String[] dbTable = schema.local("spans").split("\\.");
    JsonNode r = http.query(new Sql("SELECT sum(bytes_on_disk) AS b, sum(rows) AS n FROM system.parts WHERE active AND database = ")
        .str(dbTable[0]).sql(" AND table = ").str(dbTable[1]).toString()).get(0);
    return new long[] {r.get("b").asLong(), r.get("n").asLong()};
  }

  /** Runs {@code OPTIMIZE ... FINAL} on the span table, merging replayed rows away on disk. */
  public void optimize() {
    http.execute("OPTIMIZE TABLE " + schema.local("spans") + " FINAL");
  }

  @Override
  public void close() {
    // HTTP connections close with the client; nothing is held open.
  }

  /** Configures a {@link ClickHouseStorage}. */
  public static final class Builder {
    private final String url;
    private String database = "spindle";
    private String cluster;
    private boolean onCluster;
    private String user;
    private String password;
    private int ttlDays;
    private Duration timeout = Duration.ofSeconds(60);
    private Duration shardWait = Duration.ofMinutes(10);

    private Builder(String url) {
      requireNonNull(url, "url");
      URI u = URI.create(url);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException("url: '" + url + "' (expected: http(s)://host:port)");
      }
      this.url = url;
    }

    /** The database; default {@code spindle}. Created when missing. */
    public Builder database(String database) {
      this.database = Sql.ident(database);
      return this;
    }

    /**
     * Cluster mode: a cluster name from the servers' {@code remote_servers}; data tables become
     * {@code <name>_local} under {@code Distributed} tables sharded by {@code cityHash64(trace_id)}.
     * Default: none (one node).
     */
    public Builder cluster(String cluster) {
      this.cluster = cluster == null ? null : Sql.ident(cluster);
      return this;
    }

    /** Whether schema DDL runs {@code ON CLUSTER} (needs ZooKeeper/Keeper); default false. */
    public Builder onCluster(boolean onCluster) {
      this.onCluster = onCluster;
      return this;
    }

    /** HTTP basic credentials; default none (ClickHouse's {@code default} user). */
    public Builder credentials(String user, String password) {
      this.user = requireNonNull(user, "user");
      this.password = password;
      return this;
    }

    /** Row TTL in days on servers with TTL (20.3+); default 0 = none. */
    public Builder ttlDays(int days) {
      if (days < 0) throw new IllegalArgumentException("ttlDays: " + days + " (expected: >= 0)");
      this.ttlDays = days;
      return this;
    }

    /** The timeout of one HTTP request; default 60 s. */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      this.timeout = timeout;
      return this;
    }

    /**
     * Cluster mode: how long {@link #open()} waits for every shard to have Spindle's tables (a
     * shard gets them when a node talking to its server starts); default 10 minutes.
     */
    public Builder shardWait(Duration wait) {
      requireNonNull(wait, "wait");
      if (wait.isNegative()) throw new IllegalArgumentException("shardWait: " + wait + " (expected: >= 0)");
      this.shardWait = wait;
      return this;
    }

    /**
     * Connects, checks the version and creates what is missing of the schema; in cluster mode,
     * waits until every shard has the tables (see {@link #shardWait}).
     */
    public ClickHouseStorage open() {
      return new ClickHouseStorage(this);
    }
  }
}
