package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.ErrorQuery;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.HistogramBucket;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TransactionInsights;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Histogram, span operations and error list for the transaction summary, with the semantics of
 * the DuckDB backend. Every value goes through {@link Sql}; reads use {@code FINAL}, so the copies
 * a replay leaves count once.
 *
 * <p>The matching transactions come from the {@code transactions} table (ordered by project and
 * end time). Their child spans are found by trace id (the {@code spans} primary key) and segment
 * id. In cluster mode the outer query runs on the {@code Distributed} table and its
 * {@code IN} subqueries name the shards' local tables: every row of a trace lives on the shard
 * {@code cityHash64(trace_id)} chose, so each shard answers for its own traces (a subquery on the
 * Distributed table would be refused on a multi-shard cluster as a double-distributed IN).
 */
final class ClickHouseInsights implements TransactionInsights {
  /** A transaction's duration in milliseconds, in the transactions table. */
  private static final String D = "(duration_us / 1000.0)";

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;

  ClickHouseInsights(ClickHouseHttp http, ClickHouseSchema schema) {
    this.http = http;
    this.schema = schema;
  }

  @Override
  public List<HistogramBucket> histogram(SummaryQuery q, int buckets) {
    if (buckets <= 0 || buckets > 1000) {
      throw new IllegalArgumentException("buckets: " + buckets + " (expected: 1..1000)");
    }
    String table = schema.table("transactions");
    JsonNode range = http.query(ClickHouseQueries.transactionsIn(
        "SELECT count() AS n, min(" + D + ") AS lo, max(" + D + ") AS hi", table, q).toString()).get(0);
    List<HistogramBucket> out = new ArrayList<>();
    if (range.get("n").asLong() == 0) return out;
    double lo = range.get("lo").asDouble();
    double hi = range.get("hi").asDouble();
    // The second read keeps to [lo, hi]: rows written in between would not fit the buckets.
    Sql counts;
    if (hi == lo) {
      counts = ClickHouseQueries.transactionsIn("SELECT 0 AS i, count() AS n", table, q);
    } else {
      counts = ClickHouseQueries.transactionsIn("SELECT least(toInt64(floor((" + D + " - "
          + Sql.literal(lo) + ") / (" + Sql.literal(hi) + " - " + Sql.literal(lo) + ") * " + buckets
          + ")), " + (buckets - 1) + ") AS i, count() AS n", table, q);
    }
    counts.sql(" AND " + D + " >= ").num(lo).sql(" AND " + D + " <= ").num(hi).sql(" GROUP BY i");
    long[] n = new long[buckets];
    for (JsonNode r : http.query(counts.toString())) n[r.get("i").asInt()] += r.get("n").asLong();
    if (hi == lo) {
      out.add(new HistogramBucket(lo, hi, n[0]));
      return out;
    }
    double width = (hi - lo) / buckets;
    for (int i = 0; i < buckets; i++) {
      out.add(new HistogramBucket(lo + i * width, i == buckets - 1 ? hi : lo + (i + 1) * width, n[i]));
    }
    return out;
  }

  @Override
  public List<SpanOpSummary> spanOps(SummaryQuery q) {
    // The summed duration of the matching transactions and each op's covered time, read beside
    // the breakdown.
    String all = ClickHouseQueries.transactionsIn("SELECT sum(" + D + ") AS all_ms",
        schema.table("transactions"), q).toString();
    CompletableFuture<List<JsonNode>> total = CompletableFuture.supplyAsync(() -> http.query(all));
    String local = schema.local("transactions");
    String traces = ClickHouseQueries.transactionsIn("SELECT trace_id", local, q).toString();
    String roots = ClickHouseQueries.transactionsIn("SELECT trace_id, project_id, span_id", local, q).toString();
    String covered = covered(traces, roots, q.projectId());
    CompletableFuture<List<JsonNode>> coveredRows = CompletableFuture.supplyAsync(() -> http.query(covered));

    Sql sql = new Sql("SELECT op, count() AS n, uniqExact(segment_id) AS txns,"
        + " sum(duration_us) / 1000.0 AS total_ms, "
        + ClickHouseFunctions.sql(w -> ClickHouseFunctions.FIGURES.percentile(w, D, 0.95))
        + " AS p95"
        + " FROM " + schema.table("spans") + " FINAL WHERE is_segment = 0 AND trace_id IN (")
        .sql(traces).sql(") AND isNotNull(segment_id) AND segment_id IN (SELECT segment_id FROM "
            + schema.local("spans") + " FINAL WHERE is_segment = 1 AND isNotNull(segment_id) AND trace_id IN (")
        .sql(traces).sql(") AND (trace_id, project_id, span_id) IN (").sql(roots).sql("))");
    if (q.projectId() != null) sql.sql(" AND project_id = ").num(q.projectId());
    sql.sql(" GROUP BY op");
    List<JsonNode> rows = http.query(sql.toString());
    double allMs;
    Map<String, Double> coveredMs = new HashMap<>();
    try {
      allMs = total.join().get(0).get("all_ms").asDouble();
      for (JsonNode r : coveredRows.join()) coveredMs.put(ClickHouseQueries.text(r, "op"), r.get("covered_ms").asDouble());
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw e;
    }
    List<SpanOpSummary> out = new ArrayList<>();
    for (JsonNode r : rows) {
      String op = ClickHouseQueries.text(r, "op");
      double cov = coveredMs.getOrDefault(op, 0.0);
      out.add(new SpanOpSummary(op, r.get("n").asLong(), r.get("txns").asLong(), r.get("total_ms").asDouble(),
          r.get("p95").asDouble(), allMs > 0 ? cov / allMs : 0));
    }
    // The DuckDB backend's order: covered time, then summed time, then op.
    out.sort(Comparator.comparingDouble(SpanOpSummary::shareOfTime).reversed()
        .thenComparing(Comparator.comparingDouble(SpanOpSummary::totalMs).reversed())
        .thenComparing(SpanOpSummary::op, Comparator.nullsLast(Comparator.naturalOrder())));
    return out.size() > q.limit() ? out.subList(0, q.limit()) : out;
  }

  /**
   * Each op's covered time ({@code Figures}) in milliseconds, as {@code (op, covered_ms)}: per
   * transaction and op, the spans' clipped starts and ends become events sorted in one array
   * (time * 2, + 1 for a start), a running sum counts the open spans, and the gaps after events
   * that leave some open add up. Arrays, not window functions: 18.16 has none. The join's left
   * side is the span table itself, so in cluster mode each shard joins its own rows.
   */
  private String covered(String traces, String roots, Long projectId) {
    Sql clipped = new Sql("SELECT op, segment_id, greatest(start_us, ts) AS a, least(end_us, te) AS b FROM "
        + schema.table("spans") + " FINAL ANY INNER JOIN (SELECT segment_id, start_us AS ts, end_us AS te FROM "
        + schema.local("spans") + " FINAL WHERE is_segment = 1 AND isNotNull(segment_id) AND trace_id IN (")
        .sql(traces).sql(") AND (trace_id, project_id, span_id) IN (").sql(roots)
        .sql(")) USING segment_id WHERE is_segment = 0 AND isNotNull(segment_id) AND trace_id IN (").sql(traces).sql(")");
    if (projectId != null) clipped.sql(" AND project_id = ").num(projectId);
    return "SELECT op, sum(cov) / 1000.0 AS covered_ms FROM (SELECT op,"
        + " arraySort(arrayConcat(arrayMap(x -> x * 2 + 1, groupArray(a)), arrayMap(x -> x * 2, groupArray(b)))) AS ev,"
        + " arrayMap(e -> intDiv(e, 2), ev) AS tm, arrayCumSum(arrayMap(e -> (e % 2) * 2 - 1, ev)) AS open,"
        + " arraySum(arrayMap((t1, t0, k) -> if(k > 0, t1 - t0, 0), arrayPopFront(tm), arrayPopBack(tm),"
        + " arrayPopBack(open))) AS cov FROM (" + clipped + ") WHERE b > a GROUP BY op, segment_id) GROUP BY op";
  }

  @Override
  public List<ErrorRow> errors(ErrorQuery q) {
    Sql sql = new Sql("SELECT " + ClickHouseQueries.ERROR_COLUMNS + " FROM " + schema.table("errors")
        + " FINAL WHERE timestamp >= toDateTime(").num(Math.floorDiv(q.startUs(), 1_000_000L))
        .sql(") AND timestamp <= toDateTime(").num(Math.floorDiv(q.endUs(), 1_000_000L))
        .sql(") AND timestamp_us >= ").num(q.startUs()).sql(" AND timestamp_us < ").num(q.endUs());
    if (q.projectId() != null) sql.sql(" AND project_id = ").num(q.projectId());
    if (q.transaction() != null) sql.sql(" AND transaction = ").str(q.transaction());
    sql.sql(" ORDER BY timestamp_us DESC, event_id LIMIT ").num(q.limit());
    List<ErrorRow> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) out.add(ClickHouseQueries.error(r));
    return out;
  }
}
