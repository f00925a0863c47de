package dev.spindle.storage.duckdb;

import static dev.spindle.storage.duckdb.DuckDbFunctions.FIGURES;

import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.Filter;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.OutcomeReader;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TimeBucket;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceReader;
import dev.spindle.storage.TraceSearch;
import dev.spindle.storage.TraceSummary;
import dev.spindle.storage.TransactionAggregator;
import dev.spindle.storage.TransactionSummary;
import dev.spindle.storage.discover.DiscoverSql;
import dev.spindle.storage.discover.Figures;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The read side: every query binds its values as parameters. */
final class DuckDbQueries implements TraceReader, TraceSearch, TransactionAggregator, OutcomeReader {
  interface ConnectionSource {
    Connection get() throws SQLException;
  }

  /** The failed spans (no values to bind). */
  private static final String FAILURES = DiscoverSql.of(w -> FIGURES.failures(w, "status")).text();

  private final ConnectionSource connections;

  DuckDbQueries(ConnectionSource connections) {
    this.connections = connections;
  }

  @Override
  public TraceData trace(String traceId, Long projectId) {
    String p = projectId == null ? "" : " AND project_id = ?";
    try (Connection c = connections.get()) {
      List<SpanRow> spans = new ArrayList<>();
      long min = Long.MIN_VALUE;
      long max = Long.MAX_VALUE;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT min(start_us), max(end_us), count(*) FROM trace_index WHERE trace_id = "
              + Schema.UUID_PARAM + p)) {
        ps.setString(1, traceId);
        if (projectId != null) ps.setLong(2, projectId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getLong(3) > 0) {
            min = rs.getLong(1);
            max = rs.getLong(2);
          } else {
            min = 1;
            max = 0; // no spans: skip the scan
          }
        }
      }
      if (min <= max) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Schema.SPAN_COLUMNS
            + " FROM spans WHERE start_us >= ? AND start_us <= ? AND trace_id = " + Schema.UUID_PARAM + p
            + " ORDER BY start_us, span_id")) {
          ps.setLong(1, min);
          ps.setLong(2, max);
          ps.setString(3, traceId);
          if (projectId != null) ps.setLong(4, projectId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) spans.add(span(rs));
          }
        }
      }
      List<ErrorRow> errors = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + Schema.ERROR_COLUMNS
          + " FROM errors WHERE trace_id = " + Schema.UUID_PARAM + p + " ORDER BY timestamp_us, event_id")) {
        ps.setString(1, traceId);
        if (projectId != null) ps.setLong(2, projectId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) errors.add(error(rs));
        }
      }
      return new TraceData(traceId, spans, errors);
    } catch (SQLException e) {
      throw new StorageException("trace query failed: " + e.getMessage(), e);
    }
  }

  /** A span row from the columns of {@link Schema#SPAN_COLUMNS}. */
  static SpanRow span(ResultSet rs) throws SQLException {
    return new SpanRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getString(8), rs.getString(23),
        rs.getString(9), rs.getString(10), rs.getString(11), rs.getLong(12), rs.getLong(13),
        tags(rs.getArray(14), rs.getArray(15)), rs.getString(16), rs.getString(17),
        rs.getString(18), rs.getString(19), rs.getDouble(20), rs.getString(21), rs.getString(22));
  }

  /** An error row from the columns of {@link Schema#ERROR_COLUMNS}. */
  static ErrorRow error(ResultSet rs) throws SQLException {
    return new ErrorRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getLong(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        tags(rs.getArray(10), rs.getArray(11)), rs.getString(12), rs.getString(13),
        rs.getString(14), rs.getString(15), rs.getString(16));
  }

  private static Map<String, String> tags(Array keys, Array values) throws SQLException {
    if (keys == null || values == null) return Map.of();
    Object[] k = (Object[]) keys.getArray();
    Object[] v = (Object[]) values.getArray();
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < k.length; i++) m.put(String.valueOf(k[i]), String.valueOf(v[i]));
    return m;
  }

  /** Appends {@code AND ...} conditions for the filters, collecting their parameters. */
  static void where(StringBuilder sql, List<Object> params, Long projectId, List<Filter> filters) {
    if (projectId != null) {
      sql.append(" AND project_id = ?");
      params.add(projectId);
    }
    for (Filter f : filters) {
      String col;
      switch (f.field()) {
        case TRANSACTION_CONTAINS:
          sql.append(f.negated() ? " AND NOT" : " AND")
              .append(" coalesce(contains(lower(transaction), lower(?)), false)");
          params.add(f.value());
          continue;
        case TRANSACTION: col = "transaction"; break;
        case OP: col = "op"; break;
        case STATUS: col = "status"; break;
        case ENVIRONMENT: col = "environment"; break;
        case RELEASE: col = "release"; break;
        case SERVICE: col = "service"; break;
        case PLATFORM: col = "platform"; break;
        case USER: col = "user_key"; break;
        default: throw new IllegalArgumentException("filter field: " + f.field());
      }
      sql.append(" AND ").append(col).append(f.negated() ? " IS DISTINCT FROM ?" : " = ?");
      params.add(f.value());
    }
  }

  /** Binds positional parameters: Long, Double, Integer or String. Shared by the DuckDB readers. */
  static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Long l) ps.setLong(i + 1, l);
      else if (p instanceof Double d) ps.setDouble(i + 1, d);
      else if (p instanceof Integer n) ps.setInt(i + 1, n);
      else ps.setString(i + 1, (String) p);
    }
  }

  @Override
  public List<TransactionSummary> summarize(SummaryQuery q) {
    DiscoverSql figures = DiscoverSql.of(w -> FIGURES.summary(w.add("SELECT transaction, "),
        new Figures.Inputs("d", "status", "user_key", "sample_rate"), q.apdexThresholdMs(),
        q.endUs() - q.startUs()));
    List<Object> params = new ArrayList<>(figures.values());
    StringBuilder inner = new StringBuilder(
        "SELECT transaction, status, user_key, sample_rate, (end_us - start_us) / 1000.0 AS d"
            + " FROM spans WHERE is_segment AND end_us >= ? AND end_us < ?");
    params.add(q.startUs());
    params.add(q.endUs());
    where(inner, params, q.projectId(), q.filters());
    String sql = figures.text() + " FROM (" + inner + ")"
        + " GROUP BY transaction ORDER BY n DESC, transaction LIMIT ?";
    params.add(q.limit());
    List<TransactionSummary> out = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TransactionSummary(rs.getString("transaction"), rs.getLong("n"), rs.getDouble("est"),
              rs.getDouble("tpm"), rs.getDouble("p50"), rs.getDouble("p75"), rs.getDouble("p95"),
              rs.getDouble("p99"), rs.getDouble("failure_rate"), rs.getDouble("apdex"),
              rs.getDouble("user_misery")));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("summary query failed: " + e.getMessage(), e);
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
    DiscoverSql figures = DiscoverSql.of(w -> FIGURES.timeBucket(
        w.add("SELECT (end_us // ").value(intervalUs).add(") * ").value(intervalUs).add(" AS b, "),
        "((end_us - start_us) / 1000.0)", "status", intervalUs));
    List<Object> params = new ArrayList<>(figures.values());
    StringBuilder sql = new StringBuilder(figures.text()
        + " FROM spans WHERE is_segment AND end_us >= ? AND end_us < ?");
    params.add(q.startUs());
    params.add(q.endUs());
    where(sql, params, q.projectId(), q.filters());
    sql.append(" GROUP BY b");
    Map<Long, TimeBucket> found = new HashMap<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long b = rs.getLong(1);
          found.put(b, new TimeBucket(b, rs.getLong("n"), rs.getDouble("tpm"), rs.getDouble("p95"),
              rs.getDouble("failure_rate")));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("time-series query failed: " + e.getMessage(), e);
    }
    List<TimeBucket> out = new ArrayList<>();
    for (long b = first; b < q.endUs(); b += intervalUs) {
      out.add(found.getOrDefault(b, TimeBucket.empty(b)));
    }
    return out;
  }

  @Override
  public List<TraceSummary> search(TraceQuery q) {
    List<Object> params = new ArrayList<>();
    StringBuilder matched = new StringBuilder(
        "SELECT DISTINCT trace_id FROM spans WHERE start_us >= ? AND start_us < ?");
    params.add(q.startUs());
    params.add(q.endUs());
    where(matched, params, q.projectId(), q.filters());
    if (!q.traceIds().isEmpty()) {
      matched.append(" AND trace_id IN (").append(String.join(", ", Collections.nCopies(q.traceIds().size(),
          Schema.UUID_PARAM))).append(')');
      params.addAll(q.traceIds());
    }
    StringBuilder sql = new StringBuilder("WITH m AS (" + matched + "), a AS ("
        + "SELECT s.trace_id, min(start_us) AS st, max(end_us) AS en, count(*) AS n,"
        + " count(*) FILTER (WHERE is_segment) AS tn,"
        + " " + FAILURES + " AS errs,"
        + " list_sort(list(DISTINCT project_id)) AS projs,"
        + " first(transaction ORDER BY (parent_span_id IS NOT NULL), start_us)"
        + " FILTER (WHERE is_segment) AS root"
        + " FROM spans s JOIN m ON s.trace_id = m.trace_id");
    if (q.projectId() != null) {
      sql.append(" WHERE s.project_id = ?");
      params.add(q.projectId());
    }
    sql.append(" GROUP BY s.trace_id) SELECT " + Schema.hex128("trace_id")
        + ", root, st, en, n, tn, errs, projs FROM a WHERE true");
    if (q.minDurationUs() != null) {
      sql.append(" AND en - st >= ?");
      params.add(q.minDurationUs());
    }
    if (q.maxDurationUs() != null) {
      sql.append(" AND en - st <= ?");
      params.add(q.maxDurationUs());
    }
    switch (q.sort()) {
      case OLDEST: sql.append(" ORDER BY st ASC"); break;
      case LONGEST: sql.append(" ORDER BY en - st DESC"); break;
      case SHORTEST: sql.append(" ORDER BY en - st ASC"); break;
      default: sql.append(" ORDER BY st DESC"); break;
    }
    sql.append(", trace_id LIMIT ?");
    params.add(q.limit());
    List<TraceSummary> out = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Long> projects = new ArrayList<>();
          for (Object o : (Object[]) rs.getArray(8).getArray()) projects.add(((Number) o).longValue());
          out.add(new TraceSummary(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
              rs.getLong(5), rs.getLong(6), rs.getLong(7), projects));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("trace search failed: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public List<Outcome> outcomes(Long projectId, long startUs, long endUs) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT project_id, reason, category, sum(quantity)"
        + " FROM client_reports WHERE timestamp_us >= ? AND timestamp_us < ?");
    params.add(startUs);
    params.add(endUs);
    if (projectId != null) {
      sql.append(" AND project_id = ?");
      params.add(projectId);
    }
    sql.append(" GROUP BY ALL ORDER BY project_id, reason, category");
    List<Outcome> out = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Outcome(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
      }
    } catch (SQLException e) {
      throw new StorageException("outcome query failed: " + e.getMessage(), e);
    }
    return out;
  }
}
