package dev.spindle.storage.duckdb;

import static dev.spindle.storage.duckdb.CallRollup.MINUTE_US;
import static dev.spindle.storage.duckdb.CallRollup.PAIR;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapBuilder;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.ServiceMapReader;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.discover.Figures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The service map on DuckDB: the calls of the period's rolled-up minutes are read from the
 * rollup ({@link CallRollup}), the others are classified from the spans ({@link DuckDbCalls});
 * one query adds both up into the edges, their duration buckets, the examples and the lost-share
 * series (a part number tells them apart), a second gives the nodes.
 */
final class DuckDbServiceMap implements ServiceMapReader {
  private final DuckDbQueries.ConnectionSource connections;
  private final MetadataStore metadata;

  DuckDbServiceMap(DuckDbQueries.ConnectionSource connections, MetadataStore metadata) {
    this.connections = connections;
    this.metadata = metadata;
  }

  @Override
  public ServiceMap serviceMap(ServiceMapQuery q) {
    Map<Long, String> names = new HashMap<>();
    for (Project p : metadata.projects()) names.put(p.id(), p.name());
    ServiceMapBuilder b = new ServiceMapBuilder(q, names::get);
    try (Connection c = connections.get(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT project_id, coalesce(service, ''), count(*),"
          + " count(*) FILTER (WHERE " + Figures.failed("status") + "),"
          + " quantile_cont((end_us - start_us) / 1000.0, 0.95)"
          + " FROM spans WHERE is_segment AND end_us >= " + q.startUs() + " AND end_us < " + q.endUs()
          + (q.projectId() == null ? "" : " AND project_id = " + q.projectId()) + " GROUP BY ALL")) {
        while (rs.next()) b.node(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5));
      }
      List<DuckDbCalls.Range> rolledUp = CallRollup.rolledUp(c, q);
      // the parts come in order: the edges first, then what belongs to them
      try (ResultSet rs = st.executeQuery(sql(q, rolledUp))) {
        while (rs.next()) {
          ServiceMapBuilder.Pair p = new ServiceMapBuilder.Pair(rs.getLong(2), rs.getString(3), rs.getLong(4),
              rs.getString(5), rs.getString(6));
          switch (rs.getInt(1)) {
            case 0 -> {
              b.edge(p, rs.getDouble(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12));
              b.changes(p, rs.getLong(13), rs.getLong(14));
            }
            case 1 -> b.example(p, rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18));
            case 2 -> b.durations(p, rs.getInt(8), rs.getLong(9));
            default -> b.bucket(p, rs.getLong(8), rs.getLong(9), rs.getLong(10));
          }
        }
      }
    } catch (SQLException e) {
      throw new StorageException("service map query failed: " + e.getMessage(), e);
    }
    return b.build();
  }

  /**
   * One query: part 0 the edges ({@code d} weighted calls, {@code n1..n7} calls, failed, linked,
   * orphaned, lost, sampling changed, baggage dropped), 1 the examples newest first ({@code s1..s4}), 2 the duration buckets
   * ({@code n1} bucket, {@code n2} calls), 3 the series ({@code n1} bucket start, {@code n2}
   * linked, {@code n3} lost).
   */
  private static String sql(ServiceMapQuery q, List<DuckDbCalls.Range> rolledUp) {
    List<DuckDbCalls.Range> raw = new ArrayList<>();
    long from = q.startUs();
    for (DuckDbCalls.Range r : rolledUp) {
      if (r.startUs() > from) raw.add(new DuckDbCalls.Range(from, r.startUs()));
      from = r.endUs();
    }
    if (from < q.endUs()) raw.add(new DuckDbCalls.Range(from, q.endUs()));
    String stored = " WHERE " + CallRollup.minutesIn(rolledUp) + own(q.projectId());
    StringBuilder sql = new StringBuilder(DuckDbCalls.calls(q, raw)).append(", agg AS (SELECT kind, ").append(PAIR)
        .append(", sum(w) AS weighted, count(*) AS n, count(*) FILTER (WHERE f) AS failed,")
        .append(" count(*) FILTER (WHERE sc) AS sc, count(*) FILTER (WHERE bd) AS bd FROM calls GROUP BY ALL")
        .append(" UNION ALL SELECT kind, ").append(PAIR)
        .append(", weighted, calls, failed, sampling_changed, baggage_dropped FROM map_calls")
        .append(stored).append("), hist AS (SELECT ").append(PAIR).append(", ")
        .append(DuckDbCalls.DURATION_BUCKET).append(" AS bucket, count(*) AS n FROM calls GROUP BY ALL")
        .append(" UNION ALL SELECT ").append(PAIR).append(", bucket, n FROM map_durations").append(stored)
        .append("), ex AS (SELECT ").append(PAIR).append(", e, trace, span, descr, cont")
        .append(" FROM calls WHERE kind IN ('lost', 'orphaned') UNION ALL SELECT ").append(PAIR)
        .append(", e, trace, span, descr, cont FROM map_examples").append(stored).append(")");
    long i = q.seriesIntervalUs();
    if (i > 0) {
      sql.append(", ser AS (SELECT ").append(PAIR).append(", e // ").append(i).append(" * ").append(i)
          .append(" AS b, count(*) FILTER (WHERE kind = 'linked') AS linked,")
          .append(" count(*) FILTER (WHERE kind = 'lost') AS lost FROM calls WHERE kind IN ('linked', 'lost')")
          .append(" GROUP BY ALL UNION ALL SELECT ").append(PAIR).append(", minute * ").append(MINUTE_US)
          .append(" // ").append(i).append(" * ").append(i).append(" AS b,")
          .append(" sum(calls) FILTER (WHERE kind = 'linked'), sum(calls) FILTER (WHERE kind = 'lost')")
          .append(" FROM map_calls").append(stored).append(" AND kind IN ('linked', 'lost') GROUP BY ALL)");
    }
    String noText = ", NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR";
    sql.append(" SELECT 0 AS part, ").append(PAIR).append(", sum(weighted) AS d, ").append(bigint("sum(n)"))
        .append(" AS n1, ").append(bigint("sum(failed)")).append(", ")
        .append(bigint("sum(n) FILTER (WHERE kind = 'linked')")).append(", ")
        .append(bigint("sum(n) FILTER (WHERE kind = 'orphaned')")).append(", ")
        .append(bigint("sum(n) FILTER (WHERE kind = 'lost')")).append(", ").append(bigint("sum(sc)")).append(", ")
        .append(bigint("sum(bd)")).append(noText)
        .append(", NULL::BIGINT AS ord FROM agg GROUP BY ").append(PAIR)
        .append(" UNION ALL SELECT 1, ").append(PAIR).append(", NULL").append(nulls(7)).append(", ")
        .append(Schema.hex128("trace")).append(", ").append(Schema.hex64("span")).append(", descr, ")
        .append(Schema.hex128("cont")).append(", e FROM ex QUALIFY row_number() OVER (PARTITION BY ").append(PAIR)
        .append(" ORDER BY e DESC, span) <= ").append(ServiceMapQuery.EXAMPLES)
        .append(" UNION ALL SELECT 2, ").append(PAIR).append(", NULL, bucket, ").append(bigint("sum(n)"))
        .append(nulls(5)).append(noText).append(", NULL FROM hist GROUP BY ").append(PAIR).append(", bucket");
    if (i > 0) {
      sql.append(" UNION ALL SELECT 3, ").append(PAIR).append(", NULL, b, ").append(bigint("sum(linked)"))
          .append(", ").append(bigint("sum(lost)")).append(nulls(4)).append(noText)
          .append(", NULL FROM ser GROUP BY ").append(PAIR).append(", b");
    }
    return sql.append(" ORDER BY part, ord DESC NULLS LAST").toString();
  }

  /** {@code k} NULL BIGINT columns, each after a comma. */
  private static String nulls(int k) {
    return ", NULL::BIGINT".repeat(k);
  }

  private static String bigint(String expr) {
    return "CAST(coalesce(" + expr + ", 0) AS BIGINT)";
  }

  /**
   * SQL ({@code AND ...}) keeping the stored calls of project {@code id} (all when null), as
   * {@link DuckDbCalls} does: a linked call belongs to its caller's and its callee's project, an
   * orphaned one to the orphan's, a client call to the caller's.
   */
  private static String own(Long id) {
    if (id == null) return "";
    return " AND CASE kind WHEN 'linked' THEN sp = " + id + " OR tp = " + id + " WHEN 'orphaned' THEN tp = " + id
        + " ELSE sp = " + id + " END";
  }
}
