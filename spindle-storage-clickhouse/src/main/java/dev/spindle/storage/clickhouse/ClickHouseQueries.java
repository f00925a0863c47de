package dev.spindle.storage.clickhouse;

import static dev.spindle.storage.clickhouse.ClickHouseFunctions.FIGURES;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.Filter;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.OutcomeReader;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TimeBucket;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceReader;
import dev.spindle.storage.TraceSearch;
import dev.spindle.storage.TraceSummary;
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.TransactionSummary;
import dev.spindle.storage.discover.Figures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The read side. Rows written twice (a replay after a crash, a span assembly assigned a segment
 * to) are returned once: searches and aggregates read with {@code FINAL} (the last written
 * wins); trace reads skip it (on a primary-key range it multiplies the cost) and keep one copy
 * by key, the assembled one if any. Every value goes through {@link Sql}.
 */
final class ClickHouseQueries implements TraceReader, TraceSearch, TransactionAggregator, OutcomeReader {
  static final String SPAN_COLUMNS = "project_id, trace_id, span_id, parent_span_id, segment_id,"
      + " is_segment, transaction, transaction_source, op, description, status, start_us, end_us,"
      + " tags.key, tags.value, data, release, environment, user_key, sample_rate, service, platform,"
      + " transaction_op";
  static final String ERROR_COLUMNS = "project_id, event_id, trace_id, span_id, timestamp_us, level,"
      + " message, exception_type, transaction, tags.key, tags.value, release, environment,"
      + " user_key, platform, payload";

  /** The failed spans of a group. */
  private static final String FAILURES = ClickHouseFunctions.sql(w -> FIGURES.failures(w, "status"));

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;

  ClickHouseQueries(ClickHouseHttp http, ClickHouseSchema schema) {
    this.http = http;
    this.schema = schema;
  }

  /**
   * The SELECT of a trace's spans. No FINAL: on a primary-key range it costs 5x the read (18.16),
   * and the copies a replay leaves are identical rows, dropped by {@link #trace} by their key. The
   * trace index gives the trace's time range first (ClickHouse runs the scalar subqueries before
   * it picks the parts to read), so only the parts whose start times overlap it are read, instead
   * of a granule of every part of every day.
   */
  String traceSpansSql(String traceId, Long projectId) {
    String index = " FROM " + schema.table("trace_index") + " WHERE trace_id = " + Sql.literal(traceId) + ")";
    Sql spans = new Sql("SELECT " + SPAN_COLUMNS + " FROM " + schema.table("spans") + " WHERE trace_id = ").str(traceId)
        .sql(" AND start_time >= (SELECT min(lo)" + index + " AND start_time <= (SELECT max(hi)" + index);
    if (projectId != null) spans.sql(" AND project_id = ").num(projectId);
    return spans.sql(" ORDER BY start_us, span_id").toString();
  }

  @Override
  public TraceData trace(String traceId, Long projectId) {
    String spans = traceSpansSql(traceId, projectId);
    // The two reads go out together: a trace costs one round trip, not two.
    CompletableFuture<List<JsonNode>> spanResult = CompletableFuture.supplyAsync(() -> http.query(spans));
    Sql errors = new Sql("SELECT " + ERROR_COLUMNS + " FROM " + schema.table("errors") + " WHERE trace_id = ")
        .str(traceId);
    if (projectId != null) errors.sql(" AND project_id = ").num(projectId);
    errors.sql(" ORDER BY timestamp_us, event_id");
    Map<String, ErrorRow> errorRows = new LinkedHashMap<>();
    for (JsonNode r : http.query(errors.toString())) {
      ErrorRow e = error(r);
      errorRows.putIfAbsent(e.projectId() + "/" + e.eventId(), e);
    }
    Map<String, SpanRow> spanRows = new LinkedHashMap<>();
    try {
      for (JsonNode r : spanResult.join()) {
        SpanRow row = span(r);
        // Of a span's copies, an assembled one: span assembly writes it after the first.
        spanRows.merge(row.projectId() + "/" + row.spanId(), row, (a, b) -> a.assembled() ? a : b);
      }
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw e;
    }
    return new TraceData(traceId, new ArrayList<>(spanRows.values()), new ArrayList<>(errorRows.values()));
  }

  static String text(JsonNode r, String field) {
    JsonNode n = r.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, String> tags(JsonNode r) {
    JsonNode k = r.get("tags.key");
    JsonNode v = r.get("tags.value");
    if (k == null || k.isEmpty()) return Map.of();
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < k.size(); i++) m.put(k.get(i).asText(), v.get(i).asText());
    return m;
  }

  /** A span row from the columns of {@link #SPAN_COLUMNS}. */
  static SpanRow span(JsonNode r) {
    return new SpanRow(r.get("project_id").asLong(), text(r, "trace_id"), text(r, "span_id"),
        text(r, "parent_span_id"), text(r, "segment_id"), r.get("is_segment").asInt() == 1,
        text(r, "transaction"), text(r, "transaction_source"), text(r, "transaction_op"),
        text(r, "op"), text(r, "description"), text(r, "status"), r.get("start_us").asLong(),
        r.get("end_us").asLong(), tags(r), text(r, "data"), text(r, "release"),
        text(r, "environment"), text(r, "user_key"), r.get("sample_rate").asDouble(),
        text(r, "service"), text(r, "platform"));
  }

  static ErrorRow error(JsonNode r) {
    String traceId = text(r, "trace_id");
    return new ErrorRow(r.get("project_id").asLong(), text(r, "event_id"),
        traceId == null || traceId.isEmpty() ? null : traceId, text(r, "span_id"),
        r.get("timestamp_us").asLong(), text(r, "level"), text(r, "message"),
        text(r, "exception_type"), text(r, "transaction"), tags(r), text(r, "release"),
        text(r, "environment"), text(r, "user_key"), text(r, "platform"), text(r, "payload"));
  }

  /** Appends {@code AND ...} conditions for the project and the filters. */
  static void where(Sql sql, Long projectId, List<Filter> filters) {
    if (projectId != null) sql.sql(" AND project_id = ").num(projectId);
    for (Filter f : filters) {
      String col;
      boolean nullable = true;
      switch (f.field()) {
        case TRANSACTION_CONTAINS:
          sql.sql(f.negated() ? " AND NOT" : " AND")
              .sql(" (isNotNull(transaction) AND position(lowerUTF8(ifNull(transaction, '')), lowerUTF8(")
              .str(f.value()).sql(")) > 0)");
          continue;
        case TRANSACTION: col = "transaction"; break;
        case OP: col = "op"; break;
        case STATUS: col = "status"; nullable = false; break;
        case ENVIRONMENT: col = "environment"; break;
        case RELEASE: col = "release"; break;
        case SERVICE: col = "service"; break;
        case PLATFORM: col = "platform"; break;
        case USER: col = "user_key"; break;
        default: throw new IllegalArgumentException("filter field: " + f.field());
      }
      if (!f.negated()) {
        sql.sql(" AND ").sql(col).sql(" = ").str(f.value());
      } else if (nullable) {
        sql.sql(" AND (isNull(").sql(col).sql(") OR ").sql(col).sql(" != ").str(f.value()).sql(")");
      } else {
        sql.sql(" AND ").sql(col).sql(" != ").str(f.value());
      }
    }
  }

  /** Conditions selecting transactions that ended in the query's period. */
  private Sql transactionsIn(String select, SummaryQuery q) {
    return transactionsIn(select, schema.table("transactions"), q);
  }

  /**
   * {@code select FROM table FINAL WHERE} the transaction ended in the query's period and matches
   * its project and filters; {@code table} is the transactions table, or its local table in a
   * subquery that each shard runs on its own rows.
   */
  static Sql transactionsIn(String select, String table, SummaryQuery q) {
    Sql sql = new Sql(select + " FROM " + table + " FINAL WHERE end_time >= toDateTime(")
        .num(Math.floorDiv(q.startUs(), 1_000_000L)).sql(") AND end_time <= toDateTime(")
        .num(Math.floorDiv(q.endUs(), 1_000_000L)).sql(") AND end_us >= ").num(q.startUs())
        .sql(" AND end_us < ").num(q.endUs());
    where(sql, q.projectId(), q.filters());
    return sql;
  }

  @Override
  public List<TransactionSummary> summarize(SummaryQuery q) {
    String figures = ClickHouseFunctions.sql(w -> FIGURES.summary(w,
        new Figures.Inputs("(duration_us / 1000.0)", "status", "user_key", "sample_rate"),
        q.apdexThresholdMs(), q.endUs() - q.startUs()));
    Sql sql = transactionsIn("SELECT transaction, " + figures, q);
    sql.sql(" GROUP BY transaction ORDER BY n DESC, transaction LIMIT ").num(q.limit());
    List<TransactionSummary> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
      out.add(new TransactionSummary(text(r, "transaction"), r.get("n").asLong(), r.get("est").asDouble(),
          r.get("tpm").asDouble(), r.get("p50").asDouble(), r.get("p75").asDouble(),
          r.get("p95").asDouble(), r.get("p99").asDouble(), r.get("failure_rate").asDouble(),
          r.get("apdex").asDouble(), r.get("user_misery").asDouble()));
    }
    return out;
  }

  @Override
  public List<TimeBucket> timeseries(SummaryQuery q, long intervalUs) {
    if (intervalUs <= 0) throw new IllegalArgumentException("intervalUs: " + intervalUs + " (expected: > 0)");
    long first = Math.floorDiv(q.startUs(), intervalUs) * intervalUs;
    long buckets = (q.endUs() - first + intervalUs - 1) / intervalUs;
    if (buckets > 10_000) {
      throw new IllegalArgumentException("intervalUs: " + intervalUs + " (expected: at most 10000 buckets, got " + buckets + ")");
    }
    Sql sql = transactionsIn("SELECT intDiv(end_us, " + intervalUs + ") * " + intervalUs + " AS b, "
        + ClickHouseFunctions.sql(w -> FIGURES.timeBucket(w, "(duration_us / 1000.0)", "status", intervalUs)), q);
    sql.sql(" GROUP BY b");
    Map<Long, TimeBucket> found = new HashMap<>();
    for (JsonNode r : http.query(sql.toString())) {
      long b = r.get("b").asLong();
      found.put(b, new TimeBucket(b, r.get("n").asLong(), r.get("tpm").asDouble(), r.get("p95").asDouble(),
          r.get("failure_rate").asDouble()));
    }
    List<TimeBucket> out = new ArrayList<>();
    for (long b = first; b < q.endUs(); b += intervalUs) out.add(found.getOrDefault(b, TimeBucket.empty(b)));
    return out;
  }

  @Override
  public List<TraceSummary> search(TraceQuery q) {
    String spans = schema.table("spans");
    // The IN subquery reads the local table: on a cluster each shard finds its own traces (a trace's
    // rows are all on one shard, by the sharding key) instead of every shard reading every shard.
    Sql matched = new Sql("SELECT trace_id FROM " + schema.local("spans") + " WHERE start_time >= toDateTime(")
        .num(Math.floorDiv(q.startUs(), 1_000_000L)).sql(") AND start_time <= toDateTime(")
        .num(Math.floorDiv(q.endUs(), 1_000_000L)).sql(") AND start_us >= ").num(q.startUs())
        .sql(" AND start_us < ").num(q.endUs());
    where(matched, q.projectId(), q.filters());
    if (!q.traceIds().isEmpty()) matched.sql(" AND trace_id IN ").sql(ClickHouseVerdicts.ids(q.traceIds()));
    // The root: the earliest transaction without a parent, else the earliest transaction.
    Sql sql = new Sql("SELECT trace_id, argMinIf(transaction, start_us + if(isNull(parent_span_id), 0, 4000000000000000),"
        + " is_segment = 1) AS root, min(start_us) AS st, max(end_us) AS en, count() AS n,"
        + " countIf(is_segment = 1) AS tn, " + FAILURES + " AS errs,"
        + " groupUniqArray(project_id) AS projs FROM " + spans + " FINAL WHERE trace_id IN (")
        .sql(matched.toString()).sql(")");
    if (q.projectId() != null) sql.sql(" AND project_id = ").num(q.projectId());
    sql.sql(" GROUP BY trace_id HAVING 1");
    if (q.minDurationUs() != null) sql.sql(" AND en - st >= ").num(q.minDurationUs());
    if (q.maxDurationUs() != null) sql.sql(" AND en - st <= ").num(q.maxDurationUs());
    switch (q.sort()) {
      case OLDEST: sql.sql(" ORDER BY st ASC"); break;
      case LONGEST: sql.sql(" ORDER BY en - st DESC"); break;
      case SHORTEST: sql.sql(" ORDER BY en - st ASC"); break;
      default: sql.sql(" ORDER BY st DESC"); break;
    }
    sql.sql(", trace_id LIMIT ").num(q.limit());
    List<TraceSummary> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
      List<Long> projects = new ArrayList<>();
      for (JsonNode p : r.get("projs")) projects.add(p.asLong());
      projects.sort(null);
      out.add(new TraceSummary(text(r, "trace_id"), text(r, "root"), r.get("st").asLong(),
          r.get("en").asLong(), r.get("n").asLong(), r.get("tn").asLong(), r.get("errs").asLong(), projects));
    }
    return out;
  }

  /**
   * Rows without a replay key are counted as they are; rows with one once per key, wherever its
   * copies are (a replayed Kafka batch, on any shard).
   */
  @Override
  public List<Outcome> outcomes(Long projectId, long startUs, long endUs) {
    Sql in = new Sql(" FROM " + schema.table("client_reports") + " WHERE timestamp_us >= ").num(startUs)
        .sql(" AND timestamp_us < ").num(endUs);
    if (projectId != null) in.sql(" AND project_id = ").num(projectId);
    Sql sql = new Sql("SELECT project_id, reason, category, sum(n) AS q FROM (SELECT project_id, reason,"
        + " category, quantity AS n").sql(in.toString()).sql(" AND replay_key = '' UNION ALL SELECT project_id, reason,"
        + " category, any(quantity) AS n").sql(in.toString()).sql(" AND replay_key != ''"
        + " GROUP BY project_id, reason, category, replay_key)"
        + " GROUP BY project_id, reason, category ORDER BY project_id, reason, category");
    List<Outcome> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
      out.add(new Outcome(r.get("project_id").asLong(), text(r, "reason"), text(r, "category"), r.get("q").asLong()));
    }
    return out;
  }
}
