package dev.spindle.storage.duckdb;

import dev.spindle.storage.DiscoverQuery;
import dev.spindle.storage.DiscoverQuery.Column;
import dev.spindle.storage.DiscoverQuery.Condition;
import dev.spindle.storage.DiscoverReader;
import dev.spindle.storage.DiscoverResult;
import dev.spindle.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Discover queries as DuckDB SQL. Only whitelisted column expressions appear in the text; every
 * value (tag keys included) is a bound parameter. Grouping and sorting use column ordinals.
 */
final class DuckDbDiscover implements DiscoverReader {
  private static final Map<String, String> COLUMNS = Map.ofEntries(
      Map.entry("transaction", "transaction"),
      Map.entry("transaction.source", "transaction_source"),
      Map.entry("op", "op"),
      Map.entry("description", "description"),
      Map.entry("status", "status"),
      Map.entry("environment", "environment"),
      Map.entry("release", "release"),
      Map.entry("service", "service"),
      Map.entry("platform", "platform"),
      Map.entry("user", "user_key"),
      Map.entry("trace", "trace_id"),
      Map.entry("span_id", "span_id"),
      Map.entry("parent_span_id", "parent_span_id"),
      Map.entry("project", "project_id"),
      Map.entry("duration", "((end_us - start_us) / 1000.0)"),
      Map.entry("timestamp", "(end_us / 1000000.0)"));

  private final DuckDbQueries.ConnectionSource connections;

  DuckDbDiscover(DuckDbQueries.ConnectionSource connections) {
    this.connections = connections;
  }

  /** The SQL expression of a field, adding the tag key as a parameter when needed. */
  private static String expr(String field, List<Object> params) {
    String tag = DiscoverQuery.tagKey(field);
    if (tag != null) {
      params.add(tag);
      return "element_at(tags, ?::VARCHAR)[1]";
    }
    String e = COLUMNS.get(field);
    if (e == null) throw new IllegalArgumentException("field: " + field + " (unknown)");
    return e;
  }

  private static String aggregate(Column c, List<Object> params) {
    String f = c.field() == null ? COLUMNS.get("duration") : expr(c.field(), params);
    switch (c.function()) {
      case COUNT: return c.field() == null ? "count(*)" : "count(" + f + ")";
      case COUNT_UNIQUE: return "count(DISTINCT " + f + ")";
      case AVG: return "avg(" + f + ")";
      case SUM: return "sum(" + f + ")";
      case MIN: return "min(" + f + ")";
      case MAX: return "max(" + f + ")";
      case P50: return "quantile_cont(" + f + ", 0.5)";
      case P75: return "quantile_cont(" + f + ", 0.75)";
      case P90: return "quantile_cont(" + f + ", 0.9)";
      case P95: return "quantile_cont(" + f + ", 0.95)";
      case P99: return "quantile_cont(" + f + ", 0.99)";
      case FAILURE_RATE: return "avg(CASE WHEN " + Schema.FAILED + " THEN 1.0 ELSE 0.0 END)";
      case APDEX: {
        double t = c.param() == null ? 300 : c.param();
        String d = COLUMNS.get("duration");
        params.add(t);
        params.add(t);
        params.add(4 * t);
        return "((count(*) FILTER (WHERE " + d + " <= ?) + count(*) FILTER (WHERE " + d + " > ? AND " + d
            + " <= ?) / 2.0) / count(*))";
      }
      default: throw new IllegalArgumentException("function: " + c.function());
    }
  }

  private static String condition(Condition c, List<Object> params) {
    String e = expr(c.field(), params);
    boolean numeric = DiscoverQuery.NUMERIC_FIELDS.contains(c.field());
    Object v = c.value() == null ? null : numeric ? (Object) Double.parseDouble(c.value()) : c.value();
    switch (c.op()) {
      case HAS: return e + " IS NOT NULL";
      case NOT_HAS: return e + " IS NULL";
      case EQ: params.add(v); return e + " = ?";
      case NEQ: params.add(v); return e + " IS DISTINCT FROM ?";
      case GT: params.add(v); return e + " > ?";
      case GTE: params.add(v); return e + " >= ?";
      case LT: params.add(v); return e + " < ?";
      case LTE: params.add(v); return e + " <= ?";
      default: throw new IllegalArgumentException("op: " + c.op());
    }
  }

  @Override
  public DiscoverResult discover(DiscoverQuery q) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT ");
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < q.columns().size(); i++) {
      Column c = q.columns().get(i);
      if (i > 0) sql.append(", ");
      if (c.isAggregate()) {
        sql.append(aggregate(c, params));
      } else {
        sql.append(expr(c.field(), params));
        groups.add(i + 1);
      }
    }
    sql.append(" FROM spans WHERE end_us >= ? AND end_us < ?");
    params.add(q.startUs());
    params.add(q.endUs());
    if (q.dataset() == DiscoverQuery.Dataset.TRANSACTIONS) sql.append(" AND is_segment");
    if (q.projectId() != null) {
      sql.append(" AND project_id = ?");
      params.add(q.projectId());
    }
    for (Condition c : q.where()) sql.append(" AND ").append(condition(c, params));
    if (q.hasAggregates() && !groups.isEmpty()) {
      sql.append(" GROUP BY ");
      for (int i = 0; i < groups.size(); i++) sql.append(i > 0 ? ", " : "").append(groups.get(i));
    }
    if (!q.orderBy().isEmpty()) {
      sql.append(" ORDER BY ");
      for (int i = 0; i < q.orderBy().size(); i++) {
        DiscoverQuery.Sort s = q.orderBy().get(i);
        sql.append(i > 0 ? ", " : "").append(s.columnIndex() + 1).append(s.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST");
      }
    } else if (!q.hasAggregates()) {
      sql.append(" ORDER BY end_us DESC");
    }
    sql.append(" LIMIT ?");
    params.add(q.limit());

    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Long l) ps.setLong(i + 1, l);
        else if (p instanceof Integer n) ps.setInt(i + 1, n);
        else if (p instanceof Double d) ps.setDouble(i + 1, d);
        else ps.setString(i + 1, (String) p);
      }
      try (ResultSet rs = ps.executeQuery()) {
        int n = q.columns().size();
        while (rs.next()) {
          List<Object> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) row.add(normalize(rs.getObject(i)));
          rows.add(row);
        }
      }
    } catch (SQLException e) {
      throw new StorageException("discover query failed: " + e.getMessage(), e);
    }
    List<String> labels = new ArrayList<>();
    for (Column c : q.columns()) labels.add(c.label());
    return new DiscoverResult(labels, rows);
  }

  private static Object normalize(Object o) {
    if (o == null || o instanceof String || o instanceof Long || o instanceof Double) return o;
    if (o instanceof Integer || o instanceof Short || o instanceof Byte) return ((Number) o).longValue();
    if (o instanceof java.math.BigInteger b) return b.longValue();
    if (o instanceof java.math.BigDecimal d) return d.doubleValue();
    if (o instanceof Float f) return f.doubleValue();
    if (o instanceof Boolean b) return b.toString();
    return o.toString();
  }
}
