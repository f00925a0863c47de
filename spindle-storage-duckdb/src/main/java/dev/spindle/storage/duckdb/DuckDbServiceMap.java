package dev.spindle.storage.duckdb;

import static dev.spindle.storage.ServiceMapQuery.MATCH_WINDOW_US;
import static dev.spindle.storage.ServiceMapQuery.PARENT_LOOKBACK_US;

import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapBuilder;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.ServiceMapReader;
import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.discover.Figures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The service map on DuckDB: one chain of CTEs classifies every call of the period (see
 * {@link ServiceMap}) into {@code calls}, one row per call, materialized once; one query over it
 * gives the edges, the examples and the lost-share series (a part number tells them apart), a
 * second the nodes. Every value in the text is a number
 * the program formatted (ids, times), so nothing is bound.
 *
 * <p>Lost calls are matched without a cross product: the client spans without a child and the
 * root transactions are joined on equal method, path and minute bucket (each client span's window
 * is cut to {@link ServiceMapQuery#MATCH_WINDOW_US} and looked up in the bucket it starts in and
 * the next), then filtered to the window; each client span keeps the root closest to its start.
 */
final class DuckDbServiceMap implements ServiceMapReader {
  private static final ServiceMapSql.Dialect DIALECT = new ServiceMapSql.Dialect() {
    @Override
    public String extract(String expr, String pattern) {
      return "regexp_extract(coalesce(" + expr + ", ''), " + literal(pattern) + ", 1)";
    }

    @Override
    public String literal(String text) {
      return "'" + text.replace("'", "''") + "'";
    }
  };

  private final DuckDbQueries.ConnectionSource connections;
  private final MetadataStore metadata;

  DuckDbServiceMap(DuckDbQueries.ConnectionSource connections, MetadataStore metadata) {
    this.connections = connections;
    this.metadata = metadata;
  }

  /** The CTEs ending in {@code calls}. */
  private static String calls(ServiceMapQuery q) {
    long s = q.startUs();
    long e = q.endUs();
    long skew = q.skewUs();
    long w = MATCH_WINDOW_US;
    String inPeriod = " AND end_us >= " + s + " AND end_us < " + e;
    String project = q.projectId() == null ? "" : " AND project_id = " + q.projectId();
    String url = ServiceMapSql.url(DIALECT, "data", "description");
    // r is referenced many times: inlined, it is a scan of the columns each use needs
    return "WITH r AS NOT MATERIALIZED (SELECT project_id, trace_id, span_id, parent_span_id, segment_id, is_segment,"
        + " coalesce(service, '') AS service, coalesce(op, '') AS op, description, transaction,"
        + " status, " + Figures.failed("status") + " AS f, start_us, end_us, sample_rate, data FROM spans"
        + " WHERE end_us >= " + (s - PARENT_LOOKBACK_US) + " AND start_us < " + (e + w) + "),"
        // the rows that may be a service's entry, with a parent
        + " ent AS (SELECT * FROM r WHERE parent_span_id IS NOT NULL AND " + ServiceMapSql.entry() + "),"
        // linked: an entry whose parent span belongs to another service
        + " linked AS (SELECT p.project_id AS sp, p.service AS ss, t.project_id AS tp,"
        + " t.service AS ts, '' AS leaf, 'linked' AS kind, t.end_us AS e, t.end_us - t.start_us AS dur,"
        + " t.f, 1.0 / t.sample_rate AS w, NULL::UUID AS trace, NULL::UBIGINT AS span,"
        + " NULL::VARCHAR AS descr, NULL::UUID AS cont"
        + " FROM ent t JOIN r p ON p.trace_id = t.trace_id AND p.span_id = t.parent_span_id"
        + " WHERE t.end_us >= " + s + " AND t.end_us < " + e
        + " AND (p.project_id != t.project_id OR p.service != t.service)"
        + (q.projectId() == null ? ""
            : " AND (t.project_id = " + q.projectId() + " OR p.project_id = " + q.projectId() + ")")
        + "),"
        // orphaned: a transaction whose parent names no span of its trace
        + " o AS (SELECT * FROM r t WHERE is_segment AND parent_span_id IS NOT NULL" + inPeriod + project
        + " AND NOT EXISTS (SELECT 1 FROM r p WHERE p.trace_id = t.trace_id AND p.span_id = t.parent_span_id)),"
        + " orphaned AS (SELECT coalesce(arg_max(x.project_id, x.start_us), 0) AS sp,"
        + " coalesce(arg_max(x.service, x.start_us), '') AS ss, o.project_id AS tp, o.service AS ts,"
        + " '' AS leaf, 'orphaned' AS kind, o.end_us AS e, o.end_us - o.start_us AS dur, o.f,"
        + " 1.0 / o.sample_rate AS w, o.trace_id AS trace, o.span_id AS span, o.transaction AS descr,"
        + " NULL::UUID AS cont FROM o LEFT JOIN r x ON x.trace_id = o.trace_id AND x.is_segment"
        + " AND x.span_id != o.span_id AND x.start_us <= o.start_us AND x.end_us >= o.start_us"
        + " GROUP BY o.project_id, o.service, o.end_us, o.start_us, o.f, o.sample_rate, o.trace_id,"
        + " o.span_id, o.transaction),"
        // client spans without a child transaction in another service
        + " c0 AS (SELECT *, " + url + " AS url FROM r WHERE " + ServiceMapSql.clientOp("op") + inPeriod + project
        + "),"
        + " c AS (SELECT *, if(" + ServiceMapSql.matchable("op") + ", "
        + ServiceMapSql.method(DIALECT, "data", "description") + ", '') AS method, if("
        + ServiceMapSql.matchable("op") + ", " + ServiceMapSql.clientPath(DIALECT, "data", "url") + ", '') AS path,"
        + " " + ServiceMapSql.leaf(DIALECT, "op", "data", "url") + " AS leaf FROM c0 n"
        + " WHERE NOT EXISTS (SELECT 1 FROM ent t WHERE t.trace_id = n.trace_id AND t.parent_span_id = n.span_id"
        + " AND (t.is_segment OR t.project_id != n.project_id OR t.service != n.service))),"
        // root transactions that may have started in their place
        + " roots AS (SELECT *, CAST(floor(start_us / " + w + ") AS BIGINT) AS bucket FROM (SELECT"
        + " project_id, service, trace_id, start_us, end_us, f, "
        + ServiceMapSql.method(DIALECT, "data", "transaction") + " AS method, "
        + ServiceMapSql.rootPath(DIALECT, "data", "transaction") + " AS path FROM r"
        + " WHERE is_segment AND parent_span_id IS NULL AND start_us >= " + (s - PARENT_LOOKBACK_US)
        + ") WHERE method != '' AND path != ''),"
        + " cand AS (SELECT n.project_id, n.trace_id, n.span_id, n.service, n.start_us, n.method, n.path,"
        + " n.start_us - " + skew + " AS lo,"
        + " least(n.end_us + " + skew + ", n.start_us - " + skew + " + " + w + ") AS hi,"
        + " CAST(floor((n.start_us - " + skew + ") / " + w + ") AS BIGINT) + k.o AS bucket"
        + " FROM c n, (VALUES (0), (1)) k(o) WHERE " + ServiceMapSql.matchable("n.op")
        + " AND n.method != '' AND n.path != ''),"
        + " m AS (SELECT n.project_id, n.trace_id, n.span_id, arg_min({'trace': x.trace_id,"
        + " 'project': x.project_id, 'service': x.service, 'dur': x.end_us - x.start_us, 'f': x.f},"
        + " abs(x.start_us - n.start_us)) AS root"
        + " FROM cand n JOIN roots x ON x.method = n.method AND x.path = n.path AND x.bucket = n.bucket"
        + " WHERE x.start_us BETWEEN n.lo AND n.hi AND x.trace_id != n.trace_id"
        + " AND (x.project_id != n.project_id OR x.service != n.service)"
        + " GROUP BY n.project_id, n.trace_id, n.span_id),"
        + " clientcalls AS (SELECT n.project_id AS sp, n.service AS ss,"
        + " coalesce(m.root.project, 0) AS tp, coalesce(m.root.service, '') AS ts,"
        + " if(m.root IS NULL, n.leaf, '') AS leaf, if(m.root IS NULL, 'external', 'lost') AS kind,"
        + " n.end_us AS e, coalesce(m.root.dur, n.end_us - n.start_us) AS dur, coalesce(m.root.f, n.f) AS f,"
        + " 1.0 / n.sample_rate AS w, n.trace_id AS trace, n.span_id AS span, n.description AS descr,"
        + " m.root.trace AS cont FROM c n LEFT JOIN m ON m.project_id = n.project_id"
        + " AND m.trace_id = n.trace_id AND m.span_id = n.span_id),"
        + " calls AS MATERIALIZED (SELECT * FROM linked UNION ALL SELECT * FROM orphaned"
        + " UNION ALL SELECT * FROM clientcalls) ";
  }

  private static final String PAIR = "sp, ss, tp, ts, leaf";

  @Override
  public ServiceMap serviceMap(ServiceMapQuery q) {
    Map<Long, String> names = new HashMap<>();
    for (Project p : metadata.projects()) names.put(p.id(), p.name());
    ServiceMapBuilder b = new ServiceMapBuilder(q, names::get);
    String with = calls(q);
    try (Connection c = connections.get(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT project_id, coalesce(service, ''), count(*),"
          + " count(*) FILTER (WHERE " + Figures.failed("status") + "),"
          + " quantile_cont((end_us - start_us) / 1000.0, 0.95)"
          + " FROM spans WHERE is_segment AND end_us >= " + q.startUs() + " AND end_us < " + q.endUs()
          + (q.projectId() == null ? "" : " AND project_id = " + q.projectId()) + " GROUP BY ALL")) {
        while (rs.next()) b.node(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5));
      }
      // One pass over the calls: part 0 the edges, 1 the examples, 2 the series buckets.
      String none = ", NULL::DOUBLE, NULL::BIGINT, NULL::BIGINT, NULL::DOUBLE, NULL::DOUBLE";
      String noExample = ", NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR";
      StringBuilder sql = new StringBuilder(with).append("SELECT 0 AS part, ").append(PAIR)
          .append(", sum(w), count(*), count(*) FILTER (WHERE f), quantile_cont(dur / 1000.0, 0.5),"
              + " quantile_cont(dur / 1000.0, 0.95), count(*) FILTER (WHERE kind = 'linked'),"
              + " count(*) FILTER (WHERE kind = 'orphaned'), count(*) FILTER (WHERE kind = 'lost')")
          .append(noExample).append(", NULL::BIGINT AS b, NULL::BIGINT AS e FROM calls GROUP BY ").append(PAIR)
          .append(" UNION ALL SELECT 1, ").append(PAIR).append(none).append(", NULL, NULL, NULL, ")
          .append(Schema.hex128("trace")).append(", ").append(Schema.hex64("span")).append(", descr, ")
          .append(Schema.hex128("cont")).append(", NULL, e FROM calls WHERE kind IN ('lost', 'orphaned')"
              + " QUALIFY row_number() OVER (PARTITION BY ").append(PAIR).append(" ORDER BY e DESC, span) <= ")
          .append(ServiceMapQuery.EXAMPLES);
      long i = q.seriesIntervalUs();
      if (i > 0) {
        sql.append(" UNION ALL SELECT 2, ").append(PAIR).append(none)
            .append(", count(*) FILTER (WHERE kind = 'linked'),"
            + " NULL, count(*) FILTER (WHERE kind = 'lost')").append(noExample)
            .append(", CAST(floor(e / ").append(i).append(") AS BIGINT) * ").append(i).append(" AS bucket, NULL")
            .append(" FROM calls WHERE kind IN ('linked', 'lost') GROUP BY ").append(PAIR).append(", bucket");
      }
      sql.append(" ORDER BY e DESC NULLS LAST");
      try (ResultSet rs = st.executeQuery(sql.toString())) {
        while (rs.next()) {
          ServiceMapBuilder.Pair p = new ServiceMapBuilder.Pair(rs.getLong(2), rs.getString(3), rs.getLong(4),
              rs.getString(5), rs.getString(6));
          switch (rs.getInt(1)) {
            case 0 -> b.edge(p, rs.getDouble(7), rs.getLong(8), rs.getLong(9), rs.getDouble(10),
                rs.getDouble(11), rs.getLong(12), rs.getLong(13), rs.getLong(14));
            case 1 -> b.example(p, rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18));
            default -> b.bucket(p, rs.getLong(19), rs.getLong(12), rs.getLong(14));
          }
        }
      }
    } catch (SQLException e) {
      throw new StorageException("service map query failed: " + e.getMessage(), e);
    }
    return b.build();
  }
}
