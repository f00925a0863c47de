package dev.spindle.storage.clickhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ClickHouse schema, written for Debian's 18.16 and for current servers alike; what only
 * current servers have (TTL, codecs, LowCardinality, skip indexes) is added behind
 * {@link ServerVersion#modern()}.
 *
 * <ul>
 *   <li>{@code spans}: one row per span, ReplacingMergeTree ordered by
 *       {@code (trace_id, project_id, span_id)} so a trace is one primary-key range (the trace-id
 *       lookup path) and a replayed span collapses into one row; partitioned by start day. Times
 *       are {@code DateTime} plus a sub-second integer column (18.16 has no DateTime64);
 *       {@code start_us}/{@code end_us} are ALIAS columns in microseconds.
 *   <li>{@code transactions}: the transaction roots, fed by a materialized view, ordered by
 *       {@code (project_id, end_time, ...)}, for summaries and time series over a period.
 *   <li>{@code trace_index}: the trace-id -> time-range lookup, fed by a materialized view from
 *       every insert into {@code spans} (one row per trace and insert block: its first and last
 *       span start), ordered by trace id, partitioned by month; a trace read asks it for the
 *       trace's range first, so that only the span parts of that range are read.
 *   <li>{@code errors}: error events, replacing by {@code (trace_id, project_id, event_id)}.
 *   <li>{@code client_reports}: counts of dropped items; a replayed copy (same
 *       {@code replay_key}) is counted once by the reads.
 *   <li>{@code projects}, {@code api_tokens}, {@code ui_sessions}, {@code transaction_name_rules}:
 *       metadata, ReplacingMergeTree by version.
 *   <li>{@code migrations}: the one-time data migrations done on this server (never distributed).
 * </ul>
 *
 * <p>Cluster mode: the data tables are {@code <name>_local} and a {@code Distributed} table of the
 * plain name spreads them over the cluster's shards by {@code cityHash64(trace_id)}, so a trace and
 * every replay of its rows land on one shard (where {@code FINAL} deduplicates them). Metadata
 * tables are distributed the same way, by their key (see {@link #ddl(boolean)}).
 */
final class ClickHouseSchema {
  private final String db;
  private final String cluster;
  private final boolean onCluster;
  private final boolean modern;
  private final int ttlDays;

  /**
   * @param db        the database
   * @param cluster   a cluster name from the servers' {@code remote_servers}, or null for one node
   * @param onCluster whether DDL runs {@code ON CLUSTER} (needs ZooKeeper/Keeper)
   * @param version   the server's version
   * @param ttlDays   data TTL in days on servers that have TTL; 0 for none
   */
  ClickHouseSchema(String db, String cluster, boolean onCluster, ServerVersion version, int ttlDays) {
    this.db = Sql.ident(db);
    this.cluster = cluster == null ? null : Sql.ident(cluster);
    this.onCluster = onCluster && cluster != null;
    this.modern = version.modern();
    this.ttlDays = ttlDays;
  }

  boolean modern() {
    return modern;
  }

  /** The table to read and insert: the Distributed one in cluster mode. */
  String table(String name) {
    return db + "." + name;
  }

  /** The MergeTree table holding the rows on this node. */
  String local(String name) {
    return db + "." + (cluster == null ? name : name + "_local");
  }

  private String on() {
    return onCluster ? " ON CLUSTER " + cluster : "";
  }

  /** A nullable string column with few distinct values. */
  private String dim() {
    return modern ? "LowCardinality(Nullable(String))" : "Nullable(String)";
  }

  private String lowString() {
    return modern ? "LowCardinality(String)" : "String";
  }

  private String ttl(String timeColumn) {
    return modern && ttlDays > 0 ? " TTL " + timeColumn + " + toIntervalDay(" + ttlDays + ")" : "";
  }

  /**
   * The column list of a data table, in parentheses. {@code physical} is true for the MergeTree
   * table (codecs and skip indexes on current servers) and false for a Distributed table over it,
   * which takes neither.
   */
  String columns(String table, boolean physical) {
    String z = physical && modern ? " CODEC(ZSTD(1))" : "";
    switch (table) {
      case "spans":
        return "(project_id UInt64, trace_id String" + z + ", span_id String" + z + ", "
            + "parent_span_id Nullable(String)" + z + ", segment_id Nullable(String)" + z + ", "
            + "is_segment UInt8, transaction " + dim() + ", transaction_source " + dim() + ", "
            + "op " + dim() + ", description Nullable(String)" + z + ", status " + lowString() + ", "
            + "start_time DateTime" + z + ", start_micros UInt32" + z + ", "
            + "duration_us UInt64" + (physical && modern ? " CODEC(T64, ZSTD(1))" : "") + ", "
            + "tags Nested(key String, value String), data Nullable(String)" + z + ", "
            + "release " + dim() + ", environment " + dim() + ", user_key Nullable(String)" + z + ", "
            + "sample_rate Float64, service " + dim() + ", platform " + dim() + ", " + transactionOpColumn() + ", "
            + "start_us Int64 ALIAS " + START_US + ", end_us Int64 ALIAS " + END_US
            + (physical && modern ? ", INDEX idx_start start_time TYPE minmax GRANULARITY 1" : "") + ")";
      case "transactions":
        return "(project_id UInt64, trace_id String" + z + ", span_id String" + z + ", "
            + "parent_span_id Nullable(String)" + z + ", transaction " + dim() + ", op " + dim() + ", "
            + "status " + lowString() + ", end_time DateTime, end_us Int64, duration_us UInt64, "
            + "release " + dim() + ", environment " + dim() + ", user_key Nullable(String)" + z + ", "
            + "sample_rate Float64, service " + dim() + ", platform " + dim()
            + (physical && modern ? ", INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 1" : "") + ")";
      case "errors":
        return "(project_id UInt64, event_id String, trace_id String, span_id Nullable(String), "
            + "timestamp DateTime, timestamp_micros UInt32, level " + lowString() + ", "
            + "message Nullable(String)" + z + ", exception_type " + dim() + ", transaction " + dim() + ", "
            + "tags Nested(key String, value String), release " + dim() + ", environment " + dim() + ", "
            + "user_key Nullable(String), platform " + dim() + ", payload Nullable(String)" + z + ", "
            + "timestamp_us Int64 ALIAS toInt64(timestamp) * 1000000 + timestamp_micros)";
      case "client_reports":
        return "(project_id UInt64, time DateTime, time_micros UInt32, reason " + lowString() + ", "
            + "category " + lowString() + ", quantity UInt64, " + REPORT_KEY_COLUMN + ", "
            + "timestamp_us Int64 ALIAS toInt64(time) * 1000000 + time_micros)";
      case "trace_index":
        return "(trace_id String" + z + ", lo DateTime, hi DateTime)";
      case "projects":
        return "(id UInt64, name String, public_key String, scrub_pii UInt8, created_us Int64, version UInt64)";
      case "api_tokens":
        return "(id UInt64, name String, sha256 String, created_us Int64, revoked UInt8, version UInt64, "
            + TOKEN_SCOPE_COLUMNS.get(0) + ", " + TOKEN_SCOPE_COLUMNS.get(1) + ")";
      case "ui_sessions":
        return "(id_sha256 String, token_sha256 String, created_us Int64, last_used_us Int64, ended UInt8, "
            + "version UInt64)";
      case "transaction_name_rules":
        return "(project_id UInt64, pattern String, created_us Int64, deleted UInt8, version UInt64)";
      default:
        throw new IllegalArgumentException("table: " + table);
    }
  }

  /** The metadata tables and their keys. */
  private static final List<String[]> METADATA = List.of(
      new String[] {"projects", "id", "id"}, new String[] {"api_tokens", "id", "id"},
      new String[] {"ui_sessions", "id_sha256", "id_sha256"},
      new String[] {"transaction_name_rules", "(project_id, pattern)", "project_id"});

  /** Every statement of a new database, in order; each is idempotent ({@code IF NOT EXISTS}). */
  List<String> ddl() {
    return ddl(false);
  }

  /**
   * Every statement, in order; each is idempotent ({@code IF NOT EXISTS}). In cluster mode the
   * metadata tables are {@code _local} tables under Distributed ones sharded by their key (every
   * version of a row on one shard, where {@code FINAL} picks the latest), so that every node of
   * the cluster reads and writes the same metadata; {@code plainMetadata} keeps them plain tables
   * on the node Spindle talks to, as a cluster created before shared metadata has them.
   */
  List<String> ddl(boolean plainMetadata) {
    List<String> out = new ArrayList<>();
    out.add("CREATE DATABASE IF NOT EXISTS " + db + on());
    out.add("CREATE TABLE IF NOT EXISTS " + local("spans") + on() + " " + columns("spans", true)
        + " ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(start_time)"
        + " ORDER BY (trace_id, project_id, span_id)" + ttl("start_time"));
    out.add("CREATE TABLE IF NOT EXISTS " + local("transactions") + on() + " " + columns("transactions", true)
        + " ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(end_time)"
        + " ORDER BY (project_id, end_time, trace_id, span_id)" + ttl("end_time"));
    out.add("CREATE MATERIALIZED VIEW IF NOT EXISTS " + local("transactions_mv") + on()
        + " TO " + local("transactions") + " AS SELECT project_id, trace_id, span_id, parent_span_id,"
        + " transaction, op, status, toDateTime(intDiv(" + END_US + ", 1000000)) AS end_time,"
        + " " + END_US + " AS end_us, duration_us, release, environment, user_key, sample_rate,"
        + " service, platform FROM " + local("spans") + " WHERE is_segment = 1");
    out.add("CREATE TABLE IF NOT EXISTS " + local("trace_index") + on() + " " + columns("trace_index", true)
        + " ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(lo) ORDER BY (trace_id, lo, hi)" + ttl("hi")
        + " SETTINGS index_granularity = " + TRACE_INDEX_GRANULARITY);
    out.add("CREATE MATERIALIZED VIEW IF NOT EXISTS " + local("trace_index_mv") + on() + " TO " + local("trace_index")
        + " AS " + TRACE_RANGES + local("spans") + " GROUP BY trace_id");
    out.add("CREATE TABLE IF NOT EXISTS " + local("errors") + on() + " " + columns("errors", true)
        + " ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(timestamp)"
        + " ORDER BY (trace_id, project_id, event_id)" + ttl("timestamp"));
    out.add("CREATE TABLE IF NOT EXISTS " + local("client_reports") + on() + " " + columns("client_reports", true)
        + " ENGINE = MergeTree() PARTITION BY toYYYYMMDD(time) ORDER BY (project_id, time)"
        + ttl("time"));
    if (cluster != null) {
      out.add(distributed("spans", "cityHash64(trace_id)"));
      out.add(distributed("transactions", "cityHash64(trace_id)"));
      out.add(distributed("errors", "cityHash64(trace_id)"));
      out.add(distributed("client_reports", "rand()"));
      out.add(distributed("trace_index", "cityHash64(trace_id)"));
    }
    out.add("CREATE TABLE IF NOT EXISTS " + local("migrations") + on() + " (name String, done_us Int64)"
        + " ENGINE = ReplacingMergeTree() ORDER BY name");
    boolean shared = cluster != null && !plainMetadata;
    for (String[] m : METADATA) {
      out.add("CREATE TABLE IF NOT EXISTS " + (shared ? local(m[0]) + on() : table(m[0])) + " " + columns(m[0], true)
          + " ENGINE = ReplacingMergeTree(version) ORDER BY " + m[1]);
      if (shared) out.add(distributed(m[0], "cityHash64(" + m[2] + ")"));
    }
    return out;
  }

  /**
   * The tables and views every shard needs ({@code _local} names, without the database): those
   * the Distributed tables read and write, with the views feeding them.
   */
  List<String> shardObjects(boolean plainMetadata) {
    List<String> out = new ArrayList<>();
    for (String name : List.of("spans", "transactions", "transactions_mv", "trace_index", "trace_index_mv", "errors",
        "client_reports")) {
      out.add(name + "_local");
    }
    if (!plainMetadata) {
      for (String[] m : METADATA) out.add(m[0] + "_local");
    }
    return out;
  }

  /** Rows of a trace index from span rows: append the span table and {@code WHERE}/{@code GROUP BY trace_id}. */
  static final String TRACE_RANGES = "SELECT trace_id, min(start_time) AS lo, max(start_time) AS hi FROM ";

  /**
   * Rows per granule of the trace index: a lookup reads one granule per part, and an index row
   * is ~ 40 bytes, so 1024 rows keep that read at ~ 40 KB (8192, the default, at ~ 330 KB).
   */
  static final int TRACE_INDEX_GRANULARITY = 1024;

  /**
   * The token columns added with scopes, for tables made before them (18.16 has no
   * {@code ADD COLUMN IF NOT EXISTS}): a token from before scopes is an admin of every project.
   */
  static final List<String> TOKEN_SCOPE_COLUMNS = List.of("scope String DEFAULT 'admin'", "projects String DEFAULT ''");

  /** The {@code ALTER}s adding what {@code api_tokens} lacks of {@link #TOKEN_SCOPE_COLUMNS}, given its columns. */
  List<String> tokenMigration(Set<String> existingColumns) {
    List<String> out = new ArrayList<>();
    for (String col : TOKEN_SCOPE_COLUMNS) {
      if (!existingColumns.contains(col.substring(0, col.indexOf(' ')))) {
        out.add("ALTER TABLE " + db + ".api_tokens ADD COLUMN " + col);
      }
    }
    return out;
  }

  /** The replay key of client reports ({@code ClientReportRow.replayKey}), added to tables made before it. */
  static final String REPORT_KEY_COLUMN = "replay_key String DEFAULT ''";

  /** The op of a span's transaction ({@code SpanRow.transactionOp}), added to span tables made before it. */
  private String transactionOpColumn() {
    return "transaction_op " + dim();
  }

  /** The data tables' columns that came after their table, as {table, column definition}. */
  List<String[]> lateColumns() {
    return List.of(new String[] {"client_reports", REPORT_KEY_COLUMN}, new String[] {"spans", transactionOpColumn()});
  }

  /**
   * The {@code ALTER}s adding a {@link #lateColumns() late column} to the data table {@code name}
   * made before it, given the columns of the local table and (in cluster mode) of the Distributed one.
   */
  List<String> addColumn(String name, String column, Set<String> localColumns, Set<String> distributedColumns) {
    String columnName = column.substring(0, column.indexOf(' '));
    List<String> out = new ArrayList<>();
    if (!localColumns.contains(columnName)) {
      out.add("ALTER TABLE " + local(name) + on() + " ADD COLUMN " + column);
    }
    if (cluster != null && !distributedColumns.contains(columnName)) {
      out.add("ALTER TABLE " + table(name) + on() + " ADD COLUMN " + column);
    }
    return out;
  }

  /** A Distributed table over the local one: same columns, without codecs or skip indexes. */
  private String distributed(String name, String shardingKey) {
    return "CREATE TABLE IF NOT EXISTS " + table(name) + on() + " " + columns(name, false)
        + " ENGINE = Distributed(" + cluster + ", " + db + ", " + name + "_local, " + shardingKey + ")";
  }

  /** Microseconds since the epoch of a span's start. */
  static final String START_US = "toInt64(start_time) * 1000000 + start_micros";
  /** Microseconds since the epoch of a span's end. */
  static final String END_US = "toInt64(start_time) * 1000000 + start_micros + toInt64(duration_us)";

  /** The data tables whose rows {@code deleteOlderThan} removes, with their time columns. */
  static final List<String[]> RETAINED = List.of(
      new String[] {"spans", "start_time", END_US},
      new String[] {"transactions", "end_time", "end_us"},
      new String[] {"errors", "timestamp", "timestamp_us"},
      new String[] {"client_reports", "time", "timestamp_us"});
}
