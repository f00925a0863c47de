package dev.spindle.storage.duckdb;

import java.util.List;

/**
 * The DuckDB schema. Columnar-friendly and ready for a distributed columnar store: one wide row
 * per span (no joins to assemble a trace or aggregate transactions), errors and client reports in
 * their own tables, metadata apart. Times are microseconds since the epoch in BIGINT columns.
 */
final class Schema {
  private Schema() {}

  static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS spans ("
          + "project_id BIGINT NOT NULL, trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL, "
          + "parent_span_id VARCHAR, segment_id VARCHAR, is_segment BOOLEAN NOT NULL, "
          + "transaction VARCHAR, transaction_source VARCHAR, op VARCHAR, description VARCHAR, "
          + "status VARCHAR NOT NULL, start_us BIGINT NOT NULL, end_us BIGINT NOT NULL, "
          + "tags MAP(VARCHAR, VARCHAR), data VARCHAR, release VARCHAR, environment VARCHAR, "
          + "user_key VARCHAR, sample_rate DOUBLE NOT NULL, service VARCHAR, platform VARCHAR)",
      "CREATE TABLE IF NOT EXISTS errors ("
          + "project_id BIGINT NOT NULL, event_id VARCHAR NOT NULL, trace_id VARCHAR, "
          + "span_id VARCHAR, timestamp_us BIGINT NOT NULL, level VARCHAR NOT NULL, "
          + "message VARCHAR, exception_type VARCHAR, transaction VARCHAR, "
          + "tags MAP(VARCHAR, VARCHAR), release VARCHAR, environment VARCHAR, user_key VARCHAR, "
          + "platform VARCHAR, payload VARCHAR)",
      "CREATE TABLE IF NOT EXISTS client_reports ("
          + "project_id BIGINT NOT NULL, timestamp_us BIGINT NOT NULL, reason VARCHAR NOT NULL, "
          + "category VARCHAR NOT NULL, quantity BIGINT NOT NULL)",
      // One narrow row per trace and write batch: finds a trace's time range without scanning the
      // wide spans table, whose row groups are then pruned by their start_us min/max.
      "CREATE TABLE IF NOT EXISTS trace_index ("
          + "trace_id VARCHAR NOT NULL, project_id BIGINT NOT NULL, start_us BIGINT NOT NULL, "
          + "end_us BIGINT NOT NULL)",
      // An ART index makes the trace-id lookup a point lookup instead of a scan of every trace id
      // (measured at 500,000 traces: 6.5 ms scanned, 0.5 ms indexed). It lives in memory: about
      // tens of bytes per trace in the retention window.
      "CREATE INDEX IF NOT EXISTS trace_index_trace_id ON trace_index (trace_id)",
      "CREATE TABLE IF NOT EXISTS projects ("
          + "id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, public_key VARCHAR NOT NULL, "
          + "scrub_pii BOOLEAN NOT NULL, created_us BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS api_tokens ("
          + "id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, "
          + "created_us BIGINT NOT NULL, revoked BOOLEAN NOT NULL)");

  /** Span columns in table order, for SELECTs; tags as two parallel lists. */
  static final String SPAN_COLUMNS =
      "project_id, trace_id, span_id, parent_span_id, segment_id, is_segment, transaction, "
          + "transaction_source, op, description, status, start_us, end_us, map_keys(tags), "
          + "map_values(tags), data, release, environment, user_key, sample_rate, service, platform";

  static final String ERROR_COLUMNS =
      "project_id, event_id, trace_id, span_id, timestamp_us, level, message, exception_type, "
          + "transaction, map_keys(tags), map_values(tags), release, environment, user_key, "
          + "platform, payload";

  /** SQL true when the status counts as a failure in Sentry's failure rate. */
  static final String FAILED = "(status NOT IN ('ok', 'cancelled', 'unknown', 'unknown_error'))";
}
