package dev.spindle.storage.duckdb;

import java.util.List;

/**
 * The DuckDB schema. Columnar-friendly and ready for a distributed columnar store: one wide row
 * per span (no joins to assemble a trace or aggregate transactions), errors and client reports in
 * their own tables, metadata apart. Times are microseconds since the epoch in BIGINT columns.
 *
 * <p>Ids are stored binary: trace and event ids as {@code UUID} (16 bytes), span ids as
 * {@code UBIGINT} (8 bytes). Random ids do not compress, so text ids cost more on disk (a 16-hex
 * span id took 9.5 bytes after compression) and more to append; the storage SPI still speaks
 * lowercase hex, converted at this boundary ({@link #hex128}, {@link #hex64}, {@link #UUID_PARAM}).
 */
final class Schema {
  private Schema() {}

  static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS spans ("
          + "project_id BIGINT NOT NULL, trace_id UUID NOT NULL, span_id UBIGINT NOT NULL, "
          + "parent_span_id UBIGINT, segment_id UUID, is_segment BOOLEAN NOT NULL, "
          + "transaction VARCHAR, transaction_source VARCHAR, op VARCHAR, description VARCHAR, "
          + "status VARCHAR NOT NULL, start_us BIGINT NOT NULL, end_us BIGINT NOT NULL, "
          + "tags MAP(VARCHAR, VARCHAR), data VARCHAR, release VARCHAR, environment VARCHAR, "
          + "user_key VARCHAR, sample_rate DOUBLE NOT NULL, service VARCHAR, platform VARCHAR)",
      // The transaction's op of every span (SpanRow.transactionOp) came later: added here, it is
      // the last column of new and older tables alike (RowAppender appends in table order).
      "ALTER TABLE spans ADD COLUMN IF NOT EXISTS transaction_op VARCHAR",
      "CREATE TABLE IF NOT EXISTS errors ("
          + "project_id BIGINT NOT NULL, event_id UUID NOT NULL, trace_id UUID, "
          + "span_id UBIGINT, timestamp_us BIGINT NOT NULL, level VARCHAR NOT NULL, "
          + "message VARCHAR, exception_type VARCHAR, transaction VARCHAR, "
          + "tags MAP(VARCHAR, VARCHAR), release VARCHAR, environment VARCHAR, user_key VARCHAR, "
          + "platform VARCHAR, payload VARCHAR)",
      "CREATE TABLE IF NOT EXISTS client_reports ("
          + "project_id BIGINT NOT NULL, timestamp_us BIGINT NOT NULL, reason VARCHAR NOT NULL, "
          + "category VARCHAR NOT NULL, quantity BIGINT NOT NULL)",
      // One narrow row per trace and write batch: finds a trace's time range without scanning the
      // wide spans table, whose row groups are then pruned by their start_us min/max.
      "CREATE TABLE IF NOT EXISTS trace_index ("
          + "trace_id UUID NOT NULL, project_id BIGINT NOT NULL, start_us BIGINT NOT NULL, "
          + "end_us BIGINT NOT NULL)",
      // An ART index makes the trace-id lookup a point lookup instead of a scan of every trace id
      // (measured at 500,000 traces: 6.5 ms scanned, 0.5 ms indexed). It lives in memory: about
      // tens of bytes per trace in the retention window.
      "CREATE INDEX IF NOT EXISTS trace_index_trace_id ON trace_index (trace_id)",
      // The service map's rollup (CallRollup): the calls of each rolled-up minute (by the end of
      // the call's span) as counts, duration buckets and the newest examples, per kind, caller
      // and callee; and the minutes whose calls rows loaded since may have changed (marked in the
      // load's transaction, cleared by the rollup).
      "CREATE TABLE IF NOT EXISTS map_calls (" + CallRollup.KEY_COLUMNS
          + ", weighted DOUBLE NOT NULL, calls BIGINT NOT NULL, failed BIGINT NOT NULL)",
      // the calls whose sampling changed or whose caller's baggage was dropped came later (rows
      // rolled up before had none: their spans carry no context fingerprints)
      "ALTER TABLE map_calls ADD COLUMN IF NOT EXISTS sampling_changed BIGINT DEFAULT 0",
      "ALTER TABLE map_calls ADD COLUMN IF NOT EXISTS baggage_dropped BIGINT DEFAULT 0",
      "CREATE TABLE IF NOT EXISTS map_durations (" + CallRollup.KEY_COLUMNS
          + ", bucket INTEGER NOT NULL, n BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS map_examples (" + CallRollup.KEY_COLUMNS
          + ", e BIGINT NOT NULL, trace UUID NOT NULL, span UBIGINT NOT NULL, descr VARCHAR, cont UUID)",
      "CREATE TABLE IF NOT EXISTS map_marks (minute BIGINT NOT NULL, marked_us BIGINT NOT NULL)",
      // The latest end of the matchable client spans (ServiceMapSql.matchable) that started in
      // each minute, a row per minute and load: what marking a new root's minutes reads instead
      // of scanning the spans of the last match window on every load (CallRollup.mark).
      "CREATE TABLE IF NOT EXISTS map_client_ends (minute BIGINT NOT NULL, end_us BIGINT NOT NULL)",
      // The clock skews measured between two services (ClockSkew), per 10-minute bucket of the
      // calls' ends, where they allow more than the default: written by the loads that complete
      // linked calls (CallRollup.mark), read when lost calls are matched (a database from before
      // it measures from its next loads on).
      "CREATE TABLE IF NOT EXISTS map_skews (bucket BIGINT NOT NULL, sp BIGINT NOT NULL, ss VARCHAR NOT NULL,"
          + " tp BIGINT NOT NULL, ts VARCHAR NOT NULL, skew_us BIGINT NOT NULL, PRIMARY KEY (bucket, sp, ss, tp, ts))",
      // scratch: the ids of a load's traces that may have earlier rows, while their minutes are marked
      "CREATE TABLE IF NOT EXISTS map_loaded (trace_id UUID NOT NULL)",
      // How far the ingest log is loaded (one row, written in each load's transaction).
      "CREATE TABLE IF NOT EXISTS ingest_log (id INTEGER PRIMARY KEY, position BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS projects ("
          + "id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, public_key VARCHAR NOT NULL, "
          + "scrub_pii BOOLEAN NOT NULL, created_us BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS api_tokens ("
          + "id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, "
          + "created_us BIGINT NOT NULL, revoked BOOLEAN NOT NULL)",
      // Scopes came later: a token from before them is an admin of every project.
      "ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS scope VARCHAR DEFAULT 'admin'",
      "ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS projects VARCHAR DEFAULT ''",
      "CREATE TABLE IF NOT EXISTS ui_sessions ("
          + "id_sha256 VARCHAR PRIMARY KEY, token_sha256 VARCHAR NOT NULL, created_us BIGINT NOT NULL, "
          + "last_used_us BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS transaction_name_rules ("
          + "project_id BIGINT NOT NULL, pattern VARCHAR NOT NULL, created_us BIGINT NOT NULL, "
          + "PRIMARY KEY (project_id, pattern))");

  /**
   * DuckDB checkpoints (compresses what its write-ahead log holds into the file) by itself only
   * past this size, i.e. never: the loader checkpoints when the log passes 256 MB and the disk has
   * room ({@link DuckDbLoadTarget}), since a checkpoint that fails on a full disk invalidates the
   * database until a restart. (The default, 16 MB, re-compresses the same half-filled row groups
   * every second or so under load; at 256 MB ingestion measured about 25 % faster, BENCHMARKS.md;
   * a restart replays at most about that much log.)
   */
  static final String CHECKPOINT_THRESHOLD = "SET checkpoint_threshold = '1TB'";

  /** A bound parameter holding a 32-hex id, as a UUID: {@code trace_id = } this. */
  static final String UUID_PARAM = "CAST(? AS UUID)";

  /** The 32-lowercase-hex text of a UUID column (null stays null). */
  static String hex128(String column) {
    return "lower(replace(CAST(" + column + " AS VARCHAR), '-', ''))";
  }

  /** The 16-lowercase-hex text of a UBIGINT column (null stays null). */
  static String hex64(String column) {
    return "printf('%016x', " + column + ")";
  }

  /** Span columns in table order, ids as hex, for SELECTs; tags as two parallel lists. */
  static final String SPAN_COLUMNS =
      "project_id, " + hex128("trace_id") + ", " + hex64("span_id") + ", " + hex64("parent_span_id")
          + ", " + hex128("segment_id") + ", is_segment, transaction, "
          + "transaction_source, op, description, status, start_us, end_us, map_keys(tags), "
          + "map_values(tags), data, release, environment, user_key, sample_rate, service, platform, "
          + "transaction_op";

  static final String ERROR_COLUMNS =
      "project_id, " + hex128("event_id") + ", " + hex128("trace_id") + ", " + hex64("span_id")
          + ", timestamp_us, level, message, exception_type, "
          + "transaction, map_keys(tags), map_values(tags), release, environment, user_key, "
          + "platform, payload";

  /**
   * Turns the text ids of a database written before ids were binary into binary ones; run in one
   * transaction before {@link #DDL} when {@code spans.trace_id} is text. The trace index is derived
   * data: it is dropped here and refilled from the spans on open.
   */
  static final List<String> TEXT_ID_MIGRATION = List.of(
      "DROP TABLE IF EXISTS trace_index",
      "ALTER TABLE spans ALTER trace_id TYPE UUID USING CAST(trace_id AS UUID)",
      "ALTER TABLE spans ALTER span_id TYPE UBIGINT USING CAST('0x' || span_id AS UBIGINT)",
      "ALTER TABLE spans ALTER parent_span_id TYPE UBIGINT USING CAST('0x' || parent_span_id AS UBIGINT)",
      "ALTER TABLE spans ALTER segment_id TYPE UUID USING CAST(segment_id AS UUID)",
      "ALTER TABLE errors ALTER event_id TYPE UUID USING CAST(event_id AS UUID)",
      "ALTER TABLE errors ALTER trace_id TYPE UUID USING CAST(trace_id AS UUID)",
      "ALTER TABLE errors ALTER span_id TYPE UBIGINT USING CAST('0x' || span_id AS UBIGINT)");
}
