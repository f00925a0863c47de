package dev.spindle.storage.duckdb;

import static dev.spindle.storage.ServiceMapQuery.MATCH_WINDOW_US;
import static dev.spindle.storage.ServiceMapQuery.PARENT_LOOKBACK_US;

import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.DurationHistogram;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.discover.Figures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The SQL that classifies calls on DuckDB (see {@link ServiceMap}): a chain of CTEs ending in
 * {@code calls}, one row per call whose span ended in one of the given time ranges, with the
 * columns {@code sp, ss, tp, ts, leaf} (caller and callee), {@code kind} ({@code linked},
 * {@code orphaned}, {@code lost} or {@code external}), {@code e} (the end of the call's span),
 * {@code dur} (the callee's duration, µs), {@code f} (failed), {@code w} (1 / sample rate),
 * {@code sc} (the callee's sampling decision changed), {@code bd} (the callee's dynamic sampling
 * context differs from its caller's: see {@link ServiceMap.Causes}) and, for examples,
 * {@code trace}, {@code span}, {@code descr}, {@code cont}. Every value in the
 * text is a number the program formatted (ids, times), so nothing is bound.
 *
 * <p>The spans read are those that may take part in a call of a range: each range widened by the
 * parent look-back before it and the match window after it; ranges whose widened windows overlap
 * are read as one, and no span is read twice.
 *
 * <p>Lost calls are matched without a cross product: the client spans without a child and the
 * root transactions are joined on equal method, path and minute bucket (each client span's window
 * is cut to {@link ServiceMapQuery#MATCH_WINDOW_US} less {@link ClockSkew#MAX_US} after its start
 * and looked up in the bucket holding its start less that skew and the next), then filtered to the
 * window widened by the skew measured between the caller and the root's service ({@code map_skews},
 * kept by the loads: {@link CallRollup}); each client span keeps the root closest to its start.
 */
final class DuckDbCalls {
  private DuckDbCalls() {}

  /** Call ends from {@code startUs} inclusive to {@code endUs} exclusive. */
  record Range(long startUs, long endUs) {
    Range {
      if (endUs <= startUs) throw new IllegalArgumentException("empty range " + startUs + ".." + endUs);
    }
  }

  static final ServiceMapSql.Dialect DIALECT = new ServiceMapSql.Dialect() {
    @Override
    public String extract(String expr, String pattern) {
      return "regexp_extract(coalesce(" + expr + ", ''), " + literal(pattern) + ", 1)";
    }

    @Override
    public String literal(String text) {
      return "'" + text.replace("'", "''") + "'";
    }
  };

  /** The {@link DurationHistogram} bucket of a call's {@code dur}. */
  static final String DURATION_BUCKET =
      "CAST(" + DurationHistogram.bucketSql("ln(greatest(dur, 1))") + " AS INTEGER)";

  /** SQL true when {@code column} lies in one of the ranges. */
  static String within(String column, List<Range> ranges) {
    if (ranges.isEmpty()) return "false";
    StringBuilder b = new StringBuilder("(");
    for (Range r : ranges) {
      if (b.length() > 1) b.append(" OR ");
      b.append(column).append(" >= ").append(r.startUs()).append(" AND ").append(column).append(" < ")
          .append(r.endUs());
    }
    return b.append(')').toString();
  }

  /**
   * The CTEs ending in {@code calls} (materialized) for the calls of {@code q}'s project and skew
   * that ended in {@code ranges} (sorted or not; {@code q}'s period is not read).
   */
  static String calls(ServiceMapQuery q, List<Range> ranges) {
    return calls(q, ranges, PARENT_LOOKBACK_US);
  }

  /**
   * As {@link #calls(ServiceMapQuery, List)}, reading spans that ended up to {@code lookbackUs}
   * before a range (instead of {@link ServiceMapQuery#PARENT_LOOKBACK_US}): for traces whose
   * first span is known, no earlier span can take part in their calls.
   */
  static String calls(ServiceMapQuery q, List<Range> ranges, long lookbackUs) {
    long skew = q.skewUs();
    long w = MATCH_WINDOW_US;
    String inRanges = " AND " + within("end_us", ranges);
    String project = q.projectId() == null ? "" : " AND project_id = " + q.projectId();
    String url = ServiceMapSql.url(DIALECT, "data", "description");
    long firstStart = ranges.stream().mapToLong(Range::startUs).min().orElse(0);
    long lastEnd = ranges.stream().mapToLong(Range::endUs).max().orElse(0);
    long maxSkew = ClockSkew.MAX_US;
    // r is referenced many times: inlined, it is a scan of the columns each use needs
    return "WITH r AS NOT MATERIALIZED (" + scans(ranges, lookbackUs) + "),"
        // the rows that may be a service's entry, with a parent
        + " ent AS (SELECT * FROM r WHERE parent_span_id IS NOT NULL AND " + ServiceMapSql.entry() + "),"
        // linked: an entry whose parent span belongs to another service
        + " linked AS (SELECT p.project_id AS sp, p.service AS ss, t.project_id AS tp,"
        + " t.service AS ts, '' AS leaf, 'linked' AS kind, t.end_us AS e, t.end_us - t.start_us AS dur,"
        + " t.f, 1.0 / t.sample_rate AS w, " + ServiceMapSql.samplingChanged(DIALECT, "t.data") + " AS sc, "
        + ServiceMapSql.baggageDropped(ServiceMapSql.dsc(DIALECT, "t.data"), ServiceMapSql.dsc(DIALECT, "x.data"))
        + " AS bd, NULL::UUID AS trace, NULL::UBIGINT AS span, NULL::VARCHAR AS descr, NULL::UUID AS cont"
        + " FROM ent t JOIN r p ON p.trace_id = t.trace_id AND p.span_id = t.parent_span_id"
        // the caller's transaction, whose data holds its context's fingerprint
        + " LEFT JOIN r x ON x.trace_id = p.trace_id AND x.segment_id = p.segment_id AND x.is_segment"
        + " WHERE " + within("t.end_us", ranges)
        + " AND (p.project_id != t.project_id OR p.service != t.service)"
        + (q.projectId() == null ? ""
            : " AND (t.project_id = " + q.projectId() + " OR p.project_id = " + q.projectId() + ")")
        + "),"
        // orphaned: a transaction whose parent names no span of its trace
        + " o AS (SELECT *, " + ServiceMapSql.samplingChanged(DIALECT, "data") + " AS sc FROM r t"
        + " WHERE is_segment AND parent_span_id IS NOT NULL" + inRanges + project
        + " AND NOT EXISTS (SELECT 1 FROM r p WHERE p.trace_id = t.trace_id AND p.span_id = t.parent_span_id)),"
        + " orphaned AS (SELECT coalesce(arg_max(x.project_id, x.start_us), 0) AS sp,"
        + " coalesce(arg_max(x.service, x.start_us), '') AS ss, o.project_id AS tp, o.service AS ts,"
        + " '' AS leaf, 'orphaned' AS kind, o.end_us AS e, o.end_us - o.start_us AS dur, o.f,"
        + " 1.0 / o.sample_rate AS w, o.sc, false AS bd, o.trace_id AS trace, o.span_id AS span,"
        + " o.transaction AS descr, NULL::UUID AS cont FROM o LEFT JOIN r x ON x.trace_id = o.trace_id"
        + " AND x.is_segment AND x.span_id != o.span_id AND x.start_us <= o.start_us AND x.end_us >= o.start_us"
        + " GROUP BY o.project_id, o.service, o.end_us, o.start_us, o.f, o.sample_rate, o.sc, o.trace_id,"
        + " o.span_id, o.transaction),"
        // client spans without a child transaction in another service
        + " c0 AS (SELECT *, " + url + " AS url FROM r WHERE " + ServiceMapSql.clientOp("op") + inRanges + project
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
        + " WHERE is_segment AND parent_span_id IS NULL AND start_us >= " + (firstStart - lookbackUs)
        + ") WHERE method != '' AND path != ''),"
        // the skews measured between the callers and the roots' services (ClockSkew): a client
        // span's window is widened by the largest of its caller's in its bucket, then each root
        // is held to its own service's
        + " sk AS MATERIALIZED (SELECT * FROM map_skews WHERE bucket >= " + ClockSkew.bucket(firstStart)
        + " AND bucket <= " + ClockSkew.bucket(lastEnd) + "),"
        + " skc AS (SELECT sp, ss, bucket, max(skew_us) AS smax FROM sk GROUP BY ALL),"
        + " cand AS (SELECT n.project_id, n.trace_id, n.span_id, n.service, n.start_us, n.end_us, n.method,"
        + " n.path, n.end_us // " + ClockSkew.BUCKET_US + " AS sb,"
        + " n.start_us - greatest(" + skew + ", coalesce(skc.smax, 0)) AS lo,"
        + " least(n.end_us + greatest(" + skew + ", coalesce(skc.smax, 0)), n.start_us + " + (w - maxSkew) + ") AS hi,"
        + " CAST(floor((n.start_us - " + maxSkew + ") / " + w + ") AS BIGINT) + k.o AS bucket"
        + " FROM c n LEFT JOIN skc ON skc.sp = n.project_id AND skc.ss = n.service"
        + " AND skc.bucket = n.end_us // " + ClockSkew.BUCKET_US + " CROSS JOIN (VALUES (0), (1)) k(o)"
        + " WHERE " + ServiceMapSql.matchable("n.op") + " AND n.method != '' AND n.path != ''),"
        + " m AS (SELECT n.project_id, n.trace_id, n.span_id, arg_min({'trace': x.trace_id,"
        + " 'project': x.project_id, 'service': x.service, 'dur': x.end_us - x.start_us, 'f': x.f},"
        + " abs(x.start_us - n.start_us)) AS root"
        + " FROM cand n JOIN roots x ON x.method = n.method AND x.path = n.path AND x.bucket = n.bucket"
        + " LEFT JOIN sk ON sk.bucket = n.sb AND sk.sp = n.project_id AND sk.ss = n.service"
        + " AND sk.tp = x.project_id AND sk.ts = x.service"
        + " WHERE x.start_us BETWEEN n.lo AND n.hi AND x.trace_id != n.trace_id"
        + " AND (x.project_id != n.project_id OR x.service != n.service)"
        + " AND x.start_us BETWEEN n.start_us - greatest(" + skew + ", coalesce(sk.skew_us, 0))"
        + " AND n.end_us + greatest(" + skew + ", coalesce(sk.skew_us, 0))"
        + " GROUP BY n.project_id, n.trace_id, n.span_id),"
        + " clientcalls AS (SELECT n.project_id AS sp, n.service AS ss,"
        + " coalesce(m.root.project, 0) AS tp, coalesce(m.root.service, '') AS ts,"
        + " if(m.root IS NULL, n.leaf, '') AS leaf, if(m.root IS NULL, 'external', 'lost') AS kind,"
        + " n.end_us AS e, coalesce(m.root.dur, n.end_us - n.start_us) AS dur, coalesce(m.root.f, n.f) AS f,"
        + " 1.0 / n.sample_rate AS w, false AS sc, false AS bd, n.trace_id AS trace, n.span_id AS span,"
        + " n.description AS descr,"
        + " m.root.trace AS cont FROM c n LEFT JOIN m ON m.project_id = n.project_id"
        + " AND m.trace_id = n.trace_id AND m.span_id = n.span_id),"
        + " calls AS MATERIALIZED (SELECT * FROM linked UNION ALL SELECT * FROM orphaned"
        + " UNION ALL SELECT * FROM clientcalls) ";
  }

  private static final String SPAN_COLUMNS = "project_id, trace_id, span_id, parent_span_id, segment_id,"
      + " is_segment, coalesce(service, '') AS service, coalesce(op, '') AS op, description, transaction,"
      + " status, " + Figures.failed("status") + " AS f, start_us, end_us, sample_rate, data FROM spans";

  /** The span rows that may take part in the calls of the ranges, each read once. */
  private static String scans(List<Range> ranges, long lookbackUs) {
    if (ranges.isEmpty()) return "SELECT " + SPAN_COLUMNS + " WHERE false";
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Range::startUs));
    List<long[]> windows = new ArrayList<>();
    for (Range r : sorted) {
      long lo = r.startUs() - lookbackUs;
      long hi = r.endUs() + MATCH_WINDOW_US;
      long[] last = windows.isEmpty() ? null : windows.get(windows.size() - 1);
      if (last != null && lo <= last[1]) {
        last[1] = Math.max(last[1], hi);
      } else {
        windows.add(new long[] {lo, hi});
      }
    }
    StringBuilder b = new StringBuilder();
    StringBuilder earlier = new StringBuilder();
    for (long[] win : windows) {
      String in = "end_us >= " + win[0] + " AND start_us < " + win[1];
      if (b.length() > 0) b.append(" UNION ALL ");
      b.append("SELECT ").append(SPAN_COLUMNS).append(" WHERE ").append(in);
      // a span long enough to reach into an earlier window was read there
      if (earlier.length() > 0) b.append(" AND NOT (").append(earlier).append(')');
      earlier.append(earlier.length() > 0 ? " OR " : "").append('(').append(in).append(')');
    }
    return b.toString();
  }
}
