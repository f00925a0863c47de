package dev.spindle.storage.duckdb;

import dev.spindle.storage.ErrorQuery;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.HistogramBucket;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TransactionInsights;
import dev.spindle.storage.discover.DiscoverSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Histogram, span operations and error list for the transaction summary; values are bound. */
final class DuckDbInsights implements TransactionInsights {
  private final DuckDbQueries.ConnectionSource connections;

  DuckDbInsights(DuckDbQueries.ConnectionSource connections) {
    this.connections = connections;
  }

  /**
   * The matching segment rows as {@code (segment_id, ts, te, d)}: start and end in microseconds,
   * d the duration in milliseconds.
   */
  private static String segments(SummaryQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder("SELECT segment_id, start_us AS ts, end_us AS te,"
        + " (end_us - start_us) / 1000.0 AS d"
        + " FROM spans WHERE is_segment AND end_us >= ? AND end_us < ?");
    params.add(q.startUs());
    params.add(q.endUs());
    DuckDbQueries.where(sql, params, q.projectId(), q.filters());
    return sql.toString();
  }

  @Override
  public List<HistogramBucket> histogram(SummaryQuery q, int buckets) {
    if (buckets <= 0 || buckets > 1000) {
      throw new IllegalArgumentException("buckets: " + buckets + " (expected: 1..1000)");
    }
    List<Object> params = new ArrayList<>();
    String t = segments(q, params);
    params.add(buckets);
    params.add(buckets - 1);
    String sql = "WITH t AS (" + t + "), r AS (SELECT min(d) AS lo, max(d) AS hi FROM t)"
        + " SELECT r.lo, r.hi, CASE WHEN r.hi = r.lo THEN 0 ELSE"
        + " least(CAST(floor((t.d - r.lo) / (r.hi - r.lo) * ?) AS BIGINT), ?) END AS i, count(*)"
        + " FROM t, r GROUP BY ALL ORDER BY i";
    double lo = 0;
    double hi = 0;
    long[] counts = new long[buckets];
    boolean any = false;
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      DuckDbQueries.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          any = true;
          lo = rs.getDouble(1);
          hi = rs.getDouble(2);
          counts[rs.getInt(3)] += rs.getLong(4);
        }
      }
    } catch (SQLException e) {
      throw new StorageException("histogram query failed: " + e.getMessage(), e);
    }
    List<HistogramBucket> out = new ArrayList<>();
    if (!any) return out;
    if (hi == lo) {
      out.add(new HistogramBucket(lo, hi, counts[0]));
      return out;
    }
    double width = (hi - lo) / buckets;
    for (int i = 0; i < buckets; i++) {
      out.add(new HistogramBucket(lo + i * width, i == buckets - 1 ? hi : lo + (i + 1) * width, counts[i]));
    }
    return out;
  }

  @Override
  public List<SpanOpSummary> spanOps(SummaryQuery q) {
    List<Object> params = new ArrayList<>();
    String t = segments(q, params);
    StringBuilder spans = new StringBuilder("SELECT s.op, s.segment_id, s.start_us, s.end_us,"
        + " greatest(s.start_us, t.ts) AS a, least(s.end_us, t.te) AS b"
        + " FROM spans s JOIN t ON s.segment_id = t.segment_id WHERE NOT s.is_segment");
    if (q.projectId() != null) {
      spans.append(" AND s.project_id = ?");
      params.add(q.projectId());
    }
    DiscoverSql p95 = DiscoverSql.of(w ->
        DuckDbFunctions.FIGURES.percentile(w, "((end_us - start_us) / 1000.0)", 0.95));
    params.addAll(p95.values());
    // Covered time (Figures.coveredTime): each clipped span adds what it reaches beyond the
    // furthest end of the same op's spans that started before it in its transaction.
    String sql = "WITH t AS (" + t + "), total AS (SELECT sum(d) AS all_ms FROM t), s AS (" + spans + "),"
        + " agg AS (SELECT op, count(*) AS n, count(DISTINCT segment_id) AS txns,"
        + " sum(end_us - start_us) / 1000.0 AS total_ms, " + p95.text() + " AS p95 FROM s GROUP BY op),"
        + " u AS (SELECT op, a, b, max(b) OVER (PARTITION BY segment_id, op ORDER BY a, b"
        + " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached FROM s WHERE b > a),"
        + " cov AS (SELECT op, sum(greatest(0, b - greatest(a, coalesce(reached, a)))) / 1000.0 AS covered_ms"
        + " FROM u GROUP BY op)"
        + " SELECT agg.op, n, txns, total_ms, p95, coalesce(covered_ms, 0) AS covered, (SELECT all_ms FROM total)"
        + " FROM agg LEFT JOIN cov ON agg.op IS NOT DISTINCT FROM cov.op"
        + " ORDER BY covered DESC, total_ms DESC, agg.op LIMIT ?";
    params.add(q.limit());
    List<SpanOpSummary> out = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      DuckDbQueries.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double all = rs.getDouble(7);
          out.add(new SpanOpSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4),
              rs.getDouble(5), all > 0 ? rs.getDouble(6) / all : 0));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("span operations query failed: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public List<ErrorRow> errors(ErrorQuery q) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + Schema.ERROR_COLUMNS
        + " FROM errors WHERE timestamp_us >= ? AND timestamp_us < ?");
    params.add(q.startUs());
    params.add(q.endUs());
    if (q.projectId() != null) {
      sql.append(" AND project_id = ?");
      params.add(q.projectId());
    }
    if (q.transaction() != null) {
      sql.append(" AND transaction = ?");
      params.add(q.transaction());
    }
    sql.append(" ORDER BY timestamp_us DESC, event_id LIMIT ?");
    params.add(q.limit());
    List<ErrorRow> out = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      DuckDbQueries.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(DuckDbQueries.error(rs));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("error list query failed: " + e.getMessage(), e);
    }
    return out;
  }
}
