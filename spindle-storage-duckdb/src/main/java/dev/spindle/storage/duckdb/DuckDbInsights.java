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

  /** The matching segment rows as {@code (segment_id, d)} with d in milliseconds. */
  private static String segments(SummaryQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder("SELECT segment_id, (end_us - start_us) / 1000.0 AS d"
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
    DiscoverSql p95 = DiscoverSql.of(w ->
        DuckDbFunctions.FIGURES.percentile(w, "((s.end_us - s.start_us) / 1000.0)", 0.95));
    params.addAll(p95.values());
    StringBuilder sql = new StringBuilder("WITH t AS (" + t + "), total AS (SELECT sum(d) AS all_ms FROM t)"
        + " SELECT s.op, count(*), count(DISTINCT s.segment_id), sum(s.end_us - s.start_us) / 1000.0, "
        + p95.text() + ", (SELECT all_ms FROM total)"
        + " FROM spans s JOIN t ON s.segment_id = t.segment_id WHERE NOT s.is_segment");
    if (q.projectId() != null) {
      sql.append(" AND s.project_id = ?");
      params.add(q.projectId());
    }
    sql.append(" GROUP BY s.op ORDER BY 4 DESC, s.op LIMIT ?");
    params.add(q.limit());
    List<SpanOpSummary> out = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      DuckDbQueries.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double total = rs.getDouble(4);
          double all = rs.getDouble(6);
          out.add(new SpanOpSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), total,
              rs.getDouble(5), all > 0 ? total / all : 0));
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
