package dev.spindle.storage.duckdb;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.TraceVerdict;
import dev.spindle.storage.VerdictBuilder;
import dev.spindle.storage.VerdictQuery;
import dev.spindle.storage.VerdictReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trace verdicts on DuckDB, judged when asked: the calls of the period are classified by
 * {@link DuckDbCalls} (its orphaned and lost calls are the gaps and lost calls of their traces),
 * and one pass over the same spans gives each trace's root and dropped spans. The finding asked
 * for narrows the traces in SQL (a trace with no orphan or lost call is not read for them), so a
 * filtered query reads the period's spans once.
 */
final class DuckDbVerdicts implements VerdictReader {
  private final DuckDbQueries.ConnectionSource connections;
  private final MetadataStore metadata;

  DuckDbVerdicts(DuckDbQueries.ConnectionSource connections, MetadataStore metadata) {
    this.connections = connections;
    this.metadata = metadata;
  }

  @Override
  public List<TraceVerdict> verdicts(VerdictQuery q) {
    Map<Long, String> names = new HashMap<>();
    for (Project p : metadata.projects()) names.put(p.id(), p.name());
    VerdictBuilder b = new VerdictBuilder(q, names::get);
    try (Connection c = connections.get(); Statement st = c.createStatement()) {
      long lookback = lookbackUs(st, q);
      if (lookback < 0) return List.of();
      try (ResultSet rs = st.executeQuery(sql(q, lookback))) {
      while (rs.next()) {
        String trace = rs.getString(2);
        switch (rs.getInt(1)) {
          case 0 -> b.trace(trace, rs.getLong(3), rs.getBoolean(4), rs.getLong(5));
          case 1 -> b.orphan(trace, rs.getLong(6), rs.getString(7), rs.getLong(8), rs.getString(9),
              rs.getString(10), rs.getString(11));
          default -> b.lost(trace, rs.getString(10), rs.getString(11), rs.getLong(8), rs.getString(9),
              rs.getString(12));
          }
        }
      }
    } catch (SQLException e) {
      throw new StorageException("verdict query failed: " + e.getMessage(), e);
    }
    return b.build();
  }

  /**
   * How far before the period spans are read: for named traces, back to their first span (from
   * {@code trace_index}) and the clock skew a lost call's root may have; else the service map's
   * parent look-back. Negative when none of the named traces is stored.
   */
  private static long lookbackUs(Statement st, VerdictQuery q) throws SQLException {
    if (q.traceIds().isEmpty()) return ServiceMapQuery.PARENT_LOOKBACK_US;
    try (ResultSet rs = st.executeQuery("SELECT min(start_us) FROM trace_index WHERE trace_id IN (" + ids(q) + ")")) {
      rs.next();
      long first = rs.getLong(1);
      if (rs.wasNull()) return -1;
      return Math.max(0, q.startUs() - first) + ClockSkew.MAX_US;
    }
  }

  private static String ids(VerdictQuery q) {
    StringBuilder in = new StringBuilder();
    for (String id : q.traceIds()) in.append(in.length() == 0 ? "" : ", ").append('\'').append(id).append("'::UUID");
    return in.toString();
  }

  private static String sql(VerdictQuery q, long lookbackUs) {
    ServiceMapQuery period = ServiceMapQuery.of(q.projectId(), q.startUs(), q.endUs());
    String ids = q.traceIds().isEmpty() ? "" : " AND trace_id IN (" + ids(q) + ")";
    String dropped = "coalesce(TRY_CAST(nullif(" + DuckDbCalls.DIALECT.extract("data", VerdictBuilder.DROPPED_SPANS)
        + ", '') AS BIGINT), 0)";
    // the traces that may have the finding asked for, and the condition on their facts
    String narrow = "";
    String having = "";
    if (q.kind() != null) {
      switch (q.kind()) {
        case GAP -> narrow = " AND trace_id IN (SELECT trace FROM bad WHERE kind = 'orphaned')";
        case LOST -> narrow = " AND trace_id IN (SELECT trace FROM bad WHERE kind = 'lost')";
        case TRUNCATED -> narrow = " AND trace_id IN (SELECT trace_id FROM r WHERE is_segment AND " + dropped + " > 0)";
        case MISSING_ROOT -> having = " HAVING NOT bool_or(parent_span_id IS NULL)";
        case COMPLETE -> having = " HAVING bool_or(parent_span_id IS NULL) AND sum(if(is_segment, " + dropped
            + ", 0)) = 0 AND trace_id NOT IN (SELECT trace FROM bad)";
      }
    }
    // the gap rule needs the orphans' callers: applied by VerdictBuilder, after the limit would cut
    String limit = q.kind() == TraceVerdict.Kind.GAP ? "" : " LIMIT " + q.limit();
    return DuckDbCalls.calls(period, List.of(new DuckDbCalls.Range(q.startUs(), q.endUs())), lookbackUs)
        + ", bad AS (SELECT * FROM calls WHERE kind IN ('orphaned', 'lost')),"
        + " scope AS (SELECT DISTINCT trace_id FROM r WHERE end_us >= " + q.startUs() + " AND end_us < " + q.endUs()
        + (q.projectId() == null ? "" : " AND project_id = " + q.projectId()) + ids + narrow + "),"
        + " facts AS (SELECT trace_id, max(end_us) AS en, bool_or(parent_span_id IS NULL) AS rooted,"
        + " sum(if(is_segment, " + dropped + ", 0)) AS dropped FROM r WHERE trace_id IN (SELECT trace_id FROM scope)"
        + " GROUP BY trace_id" + having + " ORDER BY en DESC, trace_id" + limit + ")"
        + " SELECT 0 AS part, " + Schema.hex128("trace_id") + ", en, rooted, CAST(dropped AS BIGINT),"
        + " NULL::BIGINT, NULL, NULL::BIGINT, NULL, NULL, NULL, NULL FROM facts"
        + " UNION ALL SELECT if(kind = 'orphaned', 1, 2), " + Schema.hex128("trace") + ", e, NULL, NULL, sp, ss, tp,"
        + " ts, " + Schema.hex64("span") + ", descr, " + Schema.hex128("cont")
        + " FROM bad WHERE trace IN (SELECT trace_id FROM facts)";
  }
}
