package dev.spindle.storage.clickhouse;

import static dev.spindle.storage.ServiceMapQuery.MATCH_WINDOW_US;
import static dev.spindle.storage.ServiceMapQuery.PARENT_LOOKBACK_US;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.DurationHistogram;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapBuilder;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.ServiceMapReader;
import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.discover.Figures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The service map on ClickHouse, with the semantics of the DuckDB backend (see
 * {@link ServiceMap}). ClickHouse 18.16 has neither CTEs nor more than one JOIN per SELECT, so
 * the classification is nested subqueries: each JOIN is {@code USING} renamed key columns, a
 * missing right row reads as the column defaults (0, ''). The calls of the period become one
 * {@code UNION ALL} subquery with a row per call; edges, examples ({@code LIMIT 5 BY}) and the
 * series are queries over it, the nodes a query on {@code transactions}.
 *
 * <p>Lost calls are matched like on DuckDB: client spans without a child are joined to root
 * transactions on equal method, path and minute bucket ({@code arrayJoin} gives each client span
 * its start bucket and the next), then filtered to the window. Rows are read with {@code FINAL};
 * in cluster mode the {@code IN} subqueries name the shards' local tables (a trace lives on one
 * shard) and every JOIN is between subqueries, so it runs on the node Spindle asks.
 */
final class ClickHouseServiceMap implements ServiceMapReader {
  static final ServiceMapSql.Dialect DIALECT = new ServiceMapSql.Dialect() {
    @Override
    public String extract(String expr, String pattern) {
      return "extract(ifNull(" + expr + ", ''), " + literal(pattern) + ")";
    }

    @Override
    public String literal(String text) {
      return Sql.literal(text);
    }
  };

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
  /** Where the skew allowed for a client span's caller goes in the SQL, filled after the numbers. */
  private static final String CALLER_SKEW = "@callerSkew@";
  /** Where the skew allowed between a client span's caller and a root's service goes. */
  private static final String PAIR_SKEW = "@pairSkew@";
  private static final String PAIR = "sp, ss, tp, ts, leaf";
  private static final String FAILED = Figures.failed("status");
  /** The {@link DurationHistogram} bucket of a call's {@code dur}. */
  private static final String DURATION_BUCKET =
      "toInt32(" + DurationHistogram.bucketSql("log(greatest(dur, 1))") + ")";

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;
  private final MetadataStore metadata;

  ClickHouseServiceMap(ClickHouseHttp http, ClickHouseSchema schema, MetadataStore metadata) {
    this.http = http;
    this.schema = schema;
    this.metadata = metadata;
  }

  /** {@code template} with each {@code {name}} replaced by its number, written by {@link Sql}. */
  private static String fill(String template, Map<String, Long> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Long v = values.get(m.group(1));
      if (v == null) throw new IllegalStateException("no value for {" + m.group(1) + "}");
      m.appendReplacement(out, Matcher.quoteReplacement(new Sql("").num(v).toString()));
    }
    return m.appendTail(out).toString();
  }

  /** The subquery with one row per call of the period. */
  String calls(ServiceMapQuery q) {
    return calls(q, Set.of());
  }

  /**
   * The subquery with one row per call of the period made by the spans of {@code traceIds}
   * (every trace when empty). A call's span, parent and caller belong to its trace, so only those
   * traces' rows are read for them (by the table's primary key); the root transactions a lost
   * call may have continued as are read from the whole window. The skews measured between the
   * services it may match lost calls across are read first (a query of their own, so that they
   * are computed once and the subquery, computed once per query that reads it, only looks them up).
   */
  String calls(ServiceMapQuery q, Set<String> traceIds) {
    Map<List<Object>, Long> skews = skews(q);
    String spans = schema.table("spans") + " FINAL";
    String local = schema.local("spans") + " FINAL";
    String only = traceIds.isEmpty() ? "" : " AND trace_id IN " + ClickHouseVerdicts.ids(traceIds);
    String inPeriod = " end_us >= {s} AND end_us < {e} AND start_time < toDateTime({horizon})" + only;
    // the rows a call's parent, child or caller may be
    String near = " end_us >= {lookback} AND start_us < {ew} AND start_time < toDateTime({horizon})" + only;
    String project = q.projectId() == null ? "" : " AND project_id = {project}";

    String entries = "SELECT trace_id FROM " + local + " WHERE isNotNull(parent_span_id) AND "
        + ServiceMapSql.entry() + " AND" + inPeriod;
    String linked0 = "SELECT project_id, trace_id, service, e, dur, f, w, sc, c_dsc, p_project, p_service,"
        + " p_segment FROM (SELECT project_id, trace_id, ifNull(parent_span_id, '') AS pid,"
        + " ifNull(service, '') AS service, end_us AS e, toInt64(duration_us) AS dur, toUInt8(" + FAILED + ") AS f,"
        + " 1 / sample_rate AS w, toUInt8(" + ServiceMapSql.samplingChanged(DIALECT, "data") + ") AS sc, "
        + ServiceMapSql.dsc(DIALECT, "data") + " AS c_dsc FROM " + spans + " WHERE isNotNull(parent_span_id) AND "
        + ServiceMapSql.entry() + " AND" + inPeriod + ")"
        + " ALL INNER JOIN (SELECT trace_id, span_id AS pid, project_id AS p_project,"
        + " ifNull(service, '') AS p_service, ifNull(segment_id, '') AS p_segment FROM " + spans + " WHERE" + near
        + " AND trace_id IN (" + entries + ")) USING (trace_id, pid)"
        + " WHERE (p_project != project_id OR p_service != service)"
        + (q.projectId() == null ? "" : " AND (project_id = {project} OR p_project = {project})");
    // the caller's transaction, whose data holds its context's fingerprint
    String linked = "SELECT toUInt64(p_project) AS sp, p_service AS ss, toUInt64(project_id) AS tp,"
        + " service AS ts, '' AS leaf, 'linked' AS kind, e, dur, f, w, sc,"
        + " toUInt8(" + ServiceMapSql.baggageDropped("c_dsc", "p_dsc") + ") AS bd, '' AS trace, '' AS span,"
        + " '' AS descr, '' AS cont FROM (" + linked0 + ") ANY LEFT JOIN (SELECT trace_id,"
        + " ifNull(segment_id, '') AS p_segment, " + ServiceMapSql.dsc(DIALECT, "data") + " AS p_dsc FROM " + spans
        + " WHERE is_segment = 1 AND isNotNull(segment_id) AND" + near + " AND trace_id IN (" + entries + "))"
        + " USING (trace_id, p_segment)";

    String o0 = "SELECT project_id, trace_id, span_id, ifNull(parent_span_id, '') AS pid,"
        + " ifNull(service, '') AS service, start_us, end_us, toInt64(duration_us) AS dur,"
        + " toUInt8(" + FAILED + ") AS f, 1 / sample_rate AS w, ifNull(transaction, '') AS descr,"
        + " toUInt8(" + ServiceMapSql.samplingChanged(DIALECT, "data") + ") AS sc FROM " + spans
        + " WHERE is_segment = 1 AND isNotNull(parent_span_id) AND" + inPeriod + project;
    String o0Traces = "SELECT trace_id FROM " + local + " WHERE is_segment = 1 AND isNotNull(parent_span_id) AND"
        + inPeriod + project;
    String o1 = "SELECT project_id, trace_id, span_id, service, start_us, end_us, dur, f, w, descr, sc FROM (" + o0
        + ") ANY LEFT JOIN (SELECT trace_id, span_id AS pid, toUInt8(1) AS found FROM " + spans + " WHERE" + near
        + " AND trace_id IN (" + o0Traces + ")) USING (trace_id, pid) WHERE found = 0";
    String encloses = "x_span != span_id AND x_project != 0 AND x_start <= start_us AND x_end >= start_us";
    String orphaned = "SELECT toUInt64(argMaxIf(x_project, x_start, " + encloses + ")) AS sp,"
        + " argMaxIf(x_service, x_start, " + encloses + ") AS ss, toUInt64(project_id) AS tp,"
        + " service AS ts, '' AS leaf, 'orphaned' AS kind, end_us AS e, dur, f, w, sc, toUInt8(0) AS bd,"
        + " trace_id AS trace, span_id AS span, descr, '' AS cont FROM (" + o1 + ") ALL LEFT JOIN (SELECT trace_id,"
        + " span_id AS x_span, project_id AS x_project, ifNull(service, '') AS x_service,"
        + " start_us AS x_start, end_us AS x_end FROM " + spans + " WHERE is_segment = 1 AND" + near
        + " AND trace_id IN (" + o0Traces + ")) USING trace_id"
        + " GROUP BY project_id, service, trace_id, span_id, start_us, end_us, dur, f, w, descr, sc";

    String c0 = "SELECT project_id, trace_id, span_id, ifNull(service, '') AS service, ifNull(op, '') AS op,"
        + " ifNull(description, '') AS descr, ifNull(data, '') AS data, start_us, end_us,"
        + " toInt64(duration_us) AS dur, toUInt8(" + FAILED + ") AS f, 1 / sample_rate AS w FROM " + spans
        + " WHERE " + ServiceMapSql.clientOp("ifNull(op, '')") + " AND" + inPeriod + project;
    String c0Traces = "SELECT trace_id FROM " + local + " WHERE " + ServiceMapSql.clientOp("ifNull(op, '')")
        + " AND" + inPeriod + project;
    String c1 = "SELECT project_id, trace_id, span_id, service, op, descr, data, start_us, end_us, dur, f, w, "
        + ServiceMapSql.url(DIALECT, "data", "descr") + " AS url FROM (" + c0 + ")";
    String c2 = "SELECT project_id, trace_id, span_id, service, op, descr, start_us, end_us, dur, f, w, "
        + ServiceMapSql.method(DIALECT, "data", "descr") + " AS method, "
        + ServiceMapSql.clientPath(DIALECT, "data", "url") + " AS path, "
        + ServiceMapSql.leaf(DIALECT, "op", "data", "url") + " AS leaf FROM (" + c1 + ")";
    String cols = "project_id, trace_id, span_id, service, op, descr, start_us, end_us, dur, f, w, method, path, leaf";
    String noChild = "SELECT " + cols + " FROM (" + c2 + ") ALL LEFT JOIN (SELECT trace_id,"
        + " ifNull(parent_span_id, '') AS span_id, project_id AS k_project, ifNull(service, '') AS k_service,"
        + " is_segment AS k_segment FROM " + spans + " WHERE isNotNull(parent_span_id) AND "
        + ServiceMapSql.entry() + " AND" + near
        + " AND trace_id IN (" + c0Traces + ")) USING (trace_id, span_id) GROUP BY " + cols
        + " HAVING max(k_project != 0 AND (k_segment = 1 OR k_project != project_id OR k_service != service)) = 0";
    String roots = "SELECT project_id AS r_project, service AS r_service, trace_id AS r_trace, start_us AS r_start,"
        + " dur AS r_dur, f AS r_f, method, path, intDiv(start_us, {w}) AS bucket FROM (SELECT project_id,"
        + " ifNull(service, '') AS service, trace_id, start_us, toInt64(duration_us) AS dur,"
        + " toUInt8(" + FAILED + ") AS f, " + ServiceMapSql.method(DIALECT, "data", "transaction") + " AS method, "
        + ServiceMapSql.rootPath(DIALECT, "data", "transaction") + " AS path FROM " + spans
        + " WHERE is_segment = 1 AND isNull(parent_span_id) AND start_us >= {lookback} AND start_us < {ew}"
        + " AND start_time < toDateTime({horizon})) WHERE method != '' AND path != ''";
    // the window is widened by the largest skew measured between the caller and any service in
    // the client span's bucket, then each root is held to the skew of its own service
    String cand = "SELECT project_id, trace_id, span_id, service, start_us, end_us, method, path,"
        + " start_us - " + CALLER_SKEW + " AS lo, least(end_us + " + CALLER_SKEW + ", start_us + {w} - {max}) AS hi,"
        + " arrayJoin([intDiv(start_us - {max}, {w}), intDiv(start_us - {max}, {w}) + 1]) AS bucket"
        + " FROM (" + noChild + ") WHERE " + ServiceMapSql.matchable("op") + " AND method != '' AND path != ''";
    String inWindow = "SELECT project_id, trace_id, span_id, start_us, end_us, service, r_trace, r_project, r_service,"
        + " r_start, r_dur, r_f FROM (" + cand + ") ALL INNER JOIN (" + roots + ")"
        + " USING (method, path, bucket) WHERE r_start >= lo AND r_start <= hi AND r_trace != trace_id"
        + " AND (r_project != project_id OR r_service != service)";
    String matched = "SELECT project_id, trace_id, span_id, argMin(tuple(r_trace, r_project, r_service, r_dur, r_f),"
        + " abs(r_start - start_us)) AS root FROM (" + inWindow + ")"
        + (skews.isEmpty() ? "" : " WHERE r_start >= start_us - " + PAIR_SKEW + " AND r_start <= end_us + " + PAIR_SKEW)
        + " GROUP BY project_id, trace_id, span_id";
    String clientCalls = "SELECT toUInt64(project_id) AS sp, service AS ss, toUInt64(m_project) AS tp,"
        + " m_service AS ts, if(m_found = 1, '', leaf) AS leaf, if(m_found = 1, 'lost', 'external') AS kind,"
        + " end_us AS e, if(m_found = 1, m_dur, dur) AS dur, if(m_found = 1, m_f, f) AS f, w,"
        + " toUInt8(0) AS sc, toUInt8(0) AS bd, trace_id AS trace, span_id AS span, descr, m_trace AS cont"
        + " FROM (" + noChild + ") ANY LEFT JOIN"
        + " (SELECT project_id, trace_id, span_id, tupleElement(root, 1) AS m_trace,"
        + " tupleElement(root, 2) AS m_project, tupleElement(root, 3) AS m_service,"
        + " tupleElement(root, 4) AS m_dur, tupleElement(root, 5) AS m_f, toUInt8(1) AS m_found"
        + " FROM (" + matched + ")) USING (project_id, trace_id, span_id)";

    Map<String, Long> v = new HashMap<>();
    v.put("s", q.startUs());
    v.put("e", q.endUs());
    v.put("w", MATCH_WINDOW_US);
    v.put("ew", q.endUs() + MATCH_WINDOW_US);
    v.put("max", ClockSkew.MAX_US);
    v.put("lookback", q.startUs() - PARENT_LOOKBACK_US);
    v.put("horizon", Math.floorDiv(q.endUs() + MATCH_WINDOW_US, 1_000_000L) + 1);
    if (q.projectId() != null) v.put("project", q.projectId());
    return fill("(" + linked + " UNION ALL " + orphaned + " UNION ALL " + clientCalls + ")", v)
        .replace(CALLER_SKEW, skewOf(callers(skews), "project_id, service", q.skewUs()))
        .replace(PAIR_SKEW, skewOf(skews, "project_id, service, r_project, r_service", q.skewUs()));
  }

  /**
   * The skews measured between two services ({@link ClockSkew}) in the buckets of {@code q}'s
   * period that allow more than {@code q}'s, by {@link #key} of the caller's project and service,
   * the callee's and the bucket: one query over the linked calls ending in those buckets.
   */
  private Map<List<Object>, Long> skews(ServiceMapQuery q) {
    long from = ClockSkew.bucket(q.startUs()) * ClockSkew.BUCKET_US;
    long to = (ClockSkew.bucket(q.endUs() - 1) + 1) * ClockSkew.BUCKET_US;
    String spans = schema.table("spans") + " FINAL";
    String ended = " end_us >= {from} AND end_us < {to} AND start_time < toDateTime({horizon})";
    String entries = " WHERE isNotNull(parent_span_id) AND " + ServiceMapSql.entry() + " AND" + ended;
    String measured = ClockSkew.measuredSql("p_start", "p_end", "start_us", "end_us");
    Map<String, Long> v = new HashMap<>();
    v.put("from", from);
    v.put("to", to);
    v.put("lookback", from - PARENT_LOOKBACK_US);
    v.put("horizon", Math.floorDiv(to, 1_000_000L) + 1);
    v.put("above", ClockSkew.measuredAllowingAtMost(q.skewUs()));
    String sql = fill("SELECT toUInt64(p_project) AS sp, p_service AS ss, toUInt64(project_id) AS tp, service AS ts,"
        + " intDiv(end_us, " + ClockSkew.BUCKET_US + ") AS b, max(" + measured + ") AS m FROM (SELECT project_id,"
        + " trace_id, ifNull(parent_span_id, '') AS pid, ifNull(service, '') AS service, start_us, end_us FROM "
        + spans + entries + ") ALL INNER JOIN (SELECT trace_id, span_id AS pid, project_id AS p_project,"
        + " ifNull(service, '') AS p_service, start_us AS p_start, end_us AS p_end FROM " + spans
        + " WHERE end_us >= {lookback} AND start_us < {to} AND start_time < toDateTime({horizon})"
        + " AND trace_id IN (SELECT trace_id FROM " + schema.local("spans") + " FINAL" + entries + "))"
        + " USING (trace_id, pid) WHERE p_project != project_id OR p_service != service"
        + " GROUP BY sp, ss, tp, ts, b HAVING m > {above}", v);
    Map<List<Object>, Long> out = new HashMap<>();
    for (JsonNode r : http.query(sql)) {
      long allowed = ClockSkew.allowance(r.get("m").asLong(), q.skewUs());
      if (allowed > q.skewUs()) {
        out.put(List.of(r.get("sp").asLong(), r.get("ss").asText(), r.get("tp").asLong(), r.get("ts").asText(),
            r.get("b").asLong()), allowed);
      }
    }
    return out;
  }

  /** The largest skew allowed per caller (project, service) and bucket. */
  private static Map<List<Object>, Long> callers(Map<List<Object>, Long> skews) {
    Map<List<Object>, Long> out = new HashMap<>();
    skews.forEach((k, allowed) -> out.merge(List.of(k.get(0), k.get(1), k.get(4)), allowed, Math::max));
    return out;
  }

  /**
   * SQL of the skew allowed for a row whose key columns (a project, service, ... list without the
   * bucket) and {@code end_us} look up {@code skews}; {@code least} when none is kept.
   */
  private static String skewOf(Map<List<Object>, Long> skews, String columns, long least) {
    if (skews.isEmpty()) return Long.toString(least);
    StringBuilder keys = new StringBuilder();
    StringBuilder values = new StringBuilder();
    skews.forEach((k, allowed) -> {
      keys.append(keys.length() == 0 ? "" : ", ").append(Sql.literal(key(k)));
      values.append(values.length() == 0 ? "" : ", ").append(allowed);
    });
    StringBuilder expr = new StringBuilder("concat(");
    for (String column : columns.split(", ")) expr.append("toString(").append(column).append("), '\\0', ");
    expr.append("toString(intDiv(end_us, ").append(ClockSkew.BUCKET_US).append(")))");
    return "transform(" + expr + ", [" + keys + "], [" + values + "], " + least + ")";
  }

  /** A key of {@link #skews} as the SQL of {@link #skewOf} writes it: its parts joined by NUL. */
  private static String key(List<Object> parts) {
    return parts.stream().map(String::valueOf).collect(Collectors.joining("\0"));
  }

  @Override
  public ServiceMap serviceMap(ServiceMapQuery q) {
    Map<Long, String> names = new HashMap<>();
    for (Project p : metadata.projects()) names.put(p.id(), p.name());
    ServiceMapBuilder b = new ServiceMapBuilder(q, names::get);
    SummaryQuery period = new SummaryQuery(q.projectId(), q.startUs(), q.endUs(), List.of(),
        SummaryQuery.DEFAULT_APDEX_MS, 1);
    Sql nodes = ClickHouseQueries.transactionsIn("SELECT project_id, ifNull(service, '') AS service,"
        + " count() AS n, countIf(" + FAILED + ") AS failures, quantile(0.95)(duration_us / 1000.0) AS p95",
        schema.table("transactions"), period).sql(" GROUP BY project_id, service");
    for (JsonNode r : http.query(nodes.toString())) {
      b.node(r.get("project_id").asLong(), r.get("service").asText(), r.get("n").asLong(),
          r.get("failures").asLong(), r.get("p95").asDouble());
    }
    String calls = calls(q);
    for (JsonNode r : http.query("SELECT " + PAIR + ", sum(w) AS calls, count() AS n, sum(f) AS failures,"
        + " sumMap([" + DURATION_BUCKET + "], [toUInt64(1)]) AS durations,"
        + " countIf(kind = 'linked') AS linked, countIf(kind = 'orphaned') AS orphaned,"
        + " countIf(kind = 'lost') AS lost, sum(sc) AS sampling_changed, sum(bd) AS baggage_dropped"
        + " FROM " + calls + " GROUP BY " + PAIR)) {
      ServiceMapBuilder.Pair p = pair(r);
      b.edge(p, r.get("calls").asDouble(), r.get("n").asLong(), r.get("failures").asLong(),
          r.get("linked").asLong(), r.get("orphaned").asLong(), r.get("lost").asLong());
      b.changes(p, r.get("sampling_changed").asLong(), r.get("baggage_dropped").asLong());
      JsonNode buckets = r.get("durations").get(0);
      JsonNode counts = r.get("durations").get(1);
      for (int i = 0; i < buckets.size(); i++) b.durations(p, buckets.get(i).asInt(), counts.get(i).asLong());
    }
    for (JsonNode r : http.query("SELECT " + PAIR + ", trace, span, descr, cont FROM " + calls
        + " WHERE kind IN ('lost', 'orphaned') ORDER BY " + PAIR + ", e DESC, span LIMIT "
        + ServiceMapQuery.EXAMPLES + " BY " + PAIR)) {
      b.example(pair(r), r.get("trace").asText(), r.get("span").asText(), r.get("descr").asText(),
          r.get("cont").asText());
    }
    if (q.seriesIntervalUs() > 0) {
      String bucket = new Sql("intDiv(e, ").num(q.seriesIntervalUs()).sql(") * ").num(q.seriesIntervalUs()).toString();
      for (JsonNode r : http.query("SELECT " + PAIR + ", " + bucket + " AS b, countIf(kind = 'linked') AS linked,"
          + " countIf(kind = 'lost') AS lost FROM " + calls + " WHERE kind IN ('linked', 'lost')"
          + " GROUP BY " + PAIR + ", b")) {
        b.bucket(pair(r), r.get("b").asLong(), r.get("linked").asLong(), r.get("lost").asLong());
      }
    }
    return b.build();
  }

  private static ServiceMapBuilder.Pair pair(JsonNode r) {
    return new ServiceMapBuilder.Pair(r.get("sp").asLong(), r.get("ss").asText(), r.get("tp").asLong(),
        r.get("ts").asText(), r.get("leaf").asText());
  }
}
