package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.TraceVerdict;
import dev.spindle.storage.VerdictBuilder;
import dev.spindle.storage.VerdictQuery;
import dev.spindle.storage.VerdictReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Trace verdicts on ClickHouse, judged when asked like on DuckDB: the orphaned and lost calls of
 * {@link ClickHouseServiceMap}'s classification are joined (between subqueries, on the node asked)
 * to each trace's root and dropped spans, filtered by the finding asked for and cut to the limit;
 * a second query reads the orphaned and lost calls of the traces kept.
 */
final class ClickHouseVerdicts implements VerdictReader {
  /**
   * At most this many named traces narrow the classification to their own calls (their ids are
   * repeated in each part of it; ClickHouse refuses a query over 256 KiB by default).
   */
  static final int MAX_IDS_IN_CLASSIFICATION = 100;

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;
  private final MetadataStore metadata;
  private final ClickHouseServiceMap serviceMap;

  ClickHouseVerdicts(ClickHouseHttp http, ClickHouseSchema schema, MetadataStore metadata,
      ClickHouseServiceMap serviceMap) {
    this.http = http;
    this.schema = schema;
    this.metadata = metadata;
    this.serviceMap = serviceMap;
  }

  @Override
  public List<TraceVerdict> verdicts(VerdictQuery q) {
    Map<Long, String> names = new HashMap<>();
    for (Project p : metadata.projects()) names.put(p.id(), p.name());
    VerdictBuilder b = new VerdictBuilder(q, names::get);
    // the named traces' ids stand in the classification's text several times: a long list
    // classifies the period's calls instead, so that the query stays within ClickHouse's size limit
    Set<String> only = q.traceIds().size() <= MAX_IDS_IN_CLASSIFICATION ? q.traceIds() : Set.of();
    String calls = serviceMap.calls(ServiceMapQuery.of(q.projectId(), q.startUs(), q.endUs()), only);
    Set<String> kept = new TreeSet<>();
    for (JsonNode r : http.query(facts(q, calls))) {
      String trace = r.get("trace_id").asText();
      kept.add(trace);
      b.trace(trace, r.get("en").asLong(), r.get("rooted").asInt() == 1, r.get("dropped").asLong());
    }
    if (!kept.isEmpty()) {
      for (JsonNode r : http.query("SELECT kind, trace, sp, ss, tp, ts, span, descr, cont FROM " + calls
          + " WHERE kind IN ('orphaned', 'lost') AND trace IN " + ids(kept))) {
        String trace = r.get("trace").asText();
        if (r.get("kind").asText().equals("orphaned")) {
          b.orphan(trace, r.get("sp").asLong(), r.get("ss").asText(), r.get("tp").asLong(), r.get("ts").asText(),
              r.get("span").asText(), r.get("descr").asText());
        } else {
          b.lost(trace, r.get("span").asText(), r.get("descr").asText(), r.get("tp").asLong(), r.get("ts").asText(),
              r.get("cont").asText());
        }
      }
    }
    return b.build();
  }

  /** Each trace's end, root and dropped spans with its orphaned and lost calls counted, filtered and cut. */
  private String facts(VerdictQuery q, String calls) {
    Sql period = new Sql(" end_us >= ").num(q.startUs()).sql(" AND end_us < ").num(q.endUs());
    if (q.projectId() != null) period.sql(" AND project_id = ").num(q.projectId());
    String scope = "SELECT trace_id FROM " + schema.local("spans") + " FINAL WHERE" + period
        + (q.traceIds().isEmpty() ? "" : " AND trace_id IN " + ids(q.traceIds()));
    Sql near = new Sql(" end_us >= ").num(q.startUs() - ServiceMapQuery.PARENT_LOOKBACK_US)
        .sql(" AND start_us < ").num(q.endUs() + ServiceMapQuery.MATCH_WINDOW_US);
    String dropped = "toInt64OrZero(" + ClickHouseServiceMap.DIALECT.extract("data", VerdictBuilder.DROPPED_SPANS) + ")";
    String where = q.kind() == null ? "" : switch (q.kind()) {
      case COMPLETE -> " WHERE rooted = 1 AND dropped = 0 AND o = 0 AND l = 0";
      case TRUNCATED -> " WHERE dropped > 0";
      case MISSING_ROOT -> " WHERE rooted = 0";
      case LOST -> " WHERE l > 0";
      case GAP -> " WHERE o > 0";
    };
    // the gap rule needs the orphans' callers: applied by VerdictBuilder, after the limit would cut
    String limit = q.kind() == TraceVerdict.Kind.GAP ? "" : " LIMIT " + q.limit();
    return "SELECT trace_id, en, rooted, dropped FROM (SELECT trace_id, max(end_us) AS en,"
        + " max(isNull(parent_span_id)) AS rooted, sum(if(is_segment = 1, " + dropped + ", 0)) AS dropped"
        + " FROM " + schema.table("spans") + " FINAL WHERE" + near + " AND trace_id IN (" + scope + ")"
        + " GROUP BY trace_id) ALL LEFT JOIN (SELECT trace AS trace_id, countIf(kind = 'orphaned') AS o,"
        + " countIf(kind = 'lost') AS l FROM " + calls + " WHERE kind IN ('orphaned', 'lost') GROUP BY trace)"
        + " USING trace_id" + where + " ORDER BY en DESC, trace_id" + limit;
  }

  /** A list of trace ids (checked hex) for {@code IN}. */
  static String ids(Set<String> traceIds) {
    StringBuilder b = new StringBuilder("(");
    for (String id : traceIds) b.append(b.length() == 1 ? "" : ", ").append(Sql.literal(id));
    return b.append(')').toString();
  }
}
