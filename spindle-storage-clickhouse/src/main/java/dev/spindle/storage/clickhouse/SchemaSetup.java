package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Brings a database to the current schema when a storage opens: creates what is missing, adds
 * late columns and fills the trace index for spans stored before it. Every step is idempotent,
 * and the whole is tried again after a short random pause when a statement fails, because
 * 18.16's DDL is not atomic when several nodes start at once (two {@code CREATE ... IF NOT EXISTS}
 * or two {@code ADD COLUMN} of one column can meet; the second try sees the first one's result).
 *
 * <p>In cluster mode a node creates the {@code _local} tables on its own server only (no
 * {@code ON CLUSTER} without Keeper), while the Distributed tables read every shard: so it then
 * {@linkplain #awaitShards waits} until every shard has them, instead of failing on the first
 * read of a shard that no node has set up yet.
 */
final class SchemaSetup {
  private static final Logger LOG = Logger.getLogger(SchemaSetup.class.getName());
  private static final int ATTEMPTS = 5;
  /** The migration that filled the trace index from the spans stored before it. */
  private static final String TRACE_INDEX_FILLED = "trace_index";

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;
  private final String database;
  private final String cluster;

  SchemaSetup(ClickHouseHttp http, ClickHouseSchema schema, String database, String cluster) {
    this.http = http;
    this.schema = schema;
    this.database = database;
    this.cluster = cluster;
  }

  /**
   * Creates and migrates what this server lacks. Returns whether the metadata tables are plain
   * tables of a cluster created before shared metadata (kept as they are).
   */
  boolean apply() {
    for (int attempt = 1; ; attempt++) {
      try {
        return applyOnce();
      } catch (StorageException e) {
        if (attempt == ATTEMPTS) throw e;
        int failed = attempt;
        LOG.fine(() -> "schema setup, attempt " + failed + " failed (another node at work?): " + e.getMessage());
        pause(100L * attempt + ThreadLocalRandom.current().nextLong(100));
      }
    }
  }

  private boolean applyOnce() {
    boolean plainMetadata = cluster != null && !http.query("SELECT engine FROM system.tables WHERE database = "
        + Sql.literal(database) + " AND name = 'projects' AND engine != 'Distributed'").isEmpty();
    for (String ddl : schema.ddl(plainMetadata)) http.execute(ddl);
    for (String alter : schema.tokenMigration(columns("api_tokens"))) http.execute(alter);
    for (String[] late : schema.lateColumns()) {
      Set<String> localColumns = columns(cluster == null ? late[0] : late[0] + "_local");
      for (String alter : schema.addColumn(late[0], late[1], localColumns, columns(late[0]))) http.execute(alter);
    }
    fillTraceIndex();
    return plainMetadata;
  }

  /**
   * Indexes the spans stored before the trace index existed, one day partition at a time (the
   * view indexes every insert since). Done once per server; a second node doing it at the same
   * time only adds copies of the same ranges.
   */
  private void fillTraceIndex() {
    String migrations = schema.local("migrations");
    if (!http.query(new Sql("SELECT name FROM " + migrations + " WHERE name = ").str(TRACE_INDEX_FILLED).toString()).isEmpty()) {
      return;
    }
    String spans = schema.local("spans");
    List<JsonNode> days = http.query("SELECT DISTINCT toYYYYMMDD(start_time) AS d FROM " + spans + " ORDER BY d");
    if (!days.isEmpty()) LOG.info("indexing the trace ids of " + spans + " (" + days.size() + " days), once");
    for (JsonNode d : days) {
      http.execute("INSERT INTO " + schema.local("trace_index") + " " + ClickHouseSchema.TRACE_RANGES + spans
          + " WHERE toYYYYMMDD(start_time) = " + d.get("d").asLong() + " GROUP BY trace_id");
    }
    http.execute(new Sql("INSERT INTO " + migrations + " VALUES (").str(TRACE_INDEX_FILLED).sql(", ")
        .num(System.currentTimeMillis() * 1000).sql(")").toString());
  }

  private Set<String> columns(String table) {
    Set<String> out = new HashSet<>();
    for (JsonNode r : http.query("SELECT name FROM system.columns WHERE database = " + Sql.literal(database)
        + " AND table = " + Sql.literal(table))) {
      out.add(r.get("name").asText());
    }
    return out;
  }

  /**
   * Waits until every shard of the cluster has the tables and views of
   * {@link ClickHouseSchema#shardObjects}, logging what is missing where; a shard gets them when
   * a Spindle node talking to its server starts (or through {@code ON CLUSTER}, or by hand).
   *
   * @throws StorageException when {@code timeout} passed first, saying what is missing
   */
  void awaitShards(boolean plainMetadata, Duration timeout) {
    List<String> needed = schema.shardObjects(plainMetadata);
    long start = System.nanoTime();
    long nextLog = 0;
    while (true) {
      String missing = missingOnShards(needed);
      if (missing == null) return;
      long waited = System.nanoTime() - start;
      if (waited > timeout.toNanos()) {
        throw new StorageException("gave up after " + timeout.toSeconds() + " s waiting for " + missing);
      }
      if (waited >= nextLog) {
        LOG.warning("waiting for " + missing + ": start a Spindle node against each ClickHouse server of cluster "
            + cluster + " (or create the tables there: SHOW CREATE TABLE on this server)");
        nextLog = waited + Duration.ofSeconds(30).toNanos();
      }
      pause(1000);
    }
  }

  /** What some shard lacks, or null when every shard has everything. */
  private String missingOnShards(List<String> needed) {
    List<JsonNode> shards = http.query("SELECT host_name, port FROM system.clusters WHERE cluster = "
        + Sql.literal(cluster) + " AND replica_num = 1 ORDER BY shard_num");
    if (shards.isEmpty()) {
      throw new StorageException("cluster '" + cluster + "' is not in the remote_servers of this ClickHouse server");
    }
    Map<String, Long> found = new HashMap<>();
    try {
      Sql sql = new Sql("SELECT name, count() AS n FROM cluster(").str(cluster).sql(", system, tables) WHERE database = ")
          .str(database).sql(" GROUP BY name");
      for (JsonNode r : http.query(sql.toString())) found.put(r.get("name").asText(), r.get("n").asLong());
    } catch (StorageException e) {
      return "every shard to answer (" + e.getMessage() + ")";
    }
    List<String> absent = new ArrayList<>();
    for (String name : needed) {
      if (found.getOrDefault(name, 0L) < shards.size()) absent.add(database + "." + name);
    }
    if (absent.isEmpty()) return null;
    List<String> hosts = new ArrayList<>();
    for (JsonNode s : shards) hosts.add(s.get("host_name").asText() + ":" + s.get("port").asText());
    return "the shards " + hosts + " to have " + String.join(", ", absent) + " (some shard lacks them)";
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while setting up the ClickHouse schema", e);
    }
  }
}
