package dev.spindle.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceVerdict;
import dev.spindle.storage.VerdictQuery;
import dev.spindle.storage.discover.Column;
import dev.spindle.storage.discover.Condition;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import dev.spindle.storage.discover.DiscoverQueryException;
import dev.spindle.storage.discover.DiscoverResult;
import dev.spindle.storage.discover.Field;
import dev.spindle.storage.discover.FieldType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/discover}: ad-hoc queries over transactions and spans.
 *
 * <p>Parameters: {@code field} (repeated, at least one: columns such as {@code transaction},
 * tags as {@code tags[key]}, aggregates such as {@code count()} or {@code p95()}), {@code query}
 * (search terms, ANDed), {@code sort} (repeated, a selected field, {@code -} for descending),
 * {@code statsPeriod} (default {@code 24h}) or {@code start} and {@code end}, {@code project},
 * {@code limit} (default 50, at most 1000) and {@code dataset} ({@code transactions}, the default,
 * or {@code spans}). The term {@code trace.verdict:gap} (or any completeness verdict, negated
 * with {@code !}) keeps the rows of traces with that finding ({@link VerdictJson}).
 *
 * <p>Answer: {@code {"data": [{field: value}], "meta": {"fields": {field: type}, "units":
 * {field: unit}}}}, keyed by each field as written. Durations are milliseconds, dates float
 * seconds since the epoch. Every mistake in the query is a 400 saying what and where.
 */
final class DiscoverHandler implements Handler {
  /** A {@code trace.verdict:kind} term of the query, taken out and resolved to trace ids. */
  private static final Pattern VERDICT_TERM = Pattern.compile("(?<![^\\s])(!?)trace\\.verdict:(\\S*)");
  /** A trace id no trace has (all zero is invalid): the condition of a finding no trace has. */
  private static final String NO_TRACE = "0".repeat(32);

  private final Storage storage;

  DiscoverHandler(Storage storage) {
    this.storage = requireNonNull(storage, "storage");
  }

  @Override
  public void handle(Context ctx) {
    DiscoverQuery q = query(ctx);
    Responses.json(ctx, 200, render(q, storage.discover().discover(q)));
  }

  private DiscoverQuery query(Context ctx) {
    long[] range = QueryParams.range(ctx);
    Long project = QueryParams.project(ctx);
    int limit = QueryParams.limit(ctx, DiscoverQuery.DEFAULT_LIMIT, DiscoverQuery.MAX_LIMIT);
    String ds = ctx.queryParam("dataset");
    Dataset dataset = ds == null || ds.isBlank() ? Dataset.TRANSACTIONS : Dataset.byName(ds.trim())
        .orElseThrow(() -> ApiException.badRequest("dataset: '" + ds + "' (expected: transactions or spans)"));
    DiscoverQuery.Builder b = DiscoverQuery.builder(range[0], range[1]).projectId(project).dataset(dataset)
        .limit(limit);
    List<String> fields = ctx.queryParams("field");
    for (String f : fields) {
      try {
        b.field(f);
      } catch (DiscoverQueryException e) {
        throw ApiException.badRequest("field: " + e.getMessage());
      }
    }
    String text = ctx.queryParam("query");
    Matcher verdict = text == null ? null : VERDICT_TERM.matcher(text);
    if (verdict != null && verdict.find()) {
      b.condition(traceVerdict(storage, project, range, verdict.group(1).equals("!"),
          VerdictJson.kind(verdict.group(2))));
      text = text.substring(0, verdict.start()) + " " + text.substring(verdict.end());
      if (VERDICT_TERM.matcher(text).find()) throw ApiException.badRequest("query: at most one trace.verdict term");
    }
    try {
      b.query(text);
    } catch (DiscoverQueryException e) {
      throw ApiException.badRequest("query: " + e.getMessage());
    }
    try {
      for (String s : ctx.queryParams("sort")) b.sort(s);
      return b.build();
    } catch (DiscoverQueryException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /**
   * {@code trace.verdict:gap}: the rows of the traces with that finding among the newest
   * {@link VerdictQuery#MAX_TRACE_IDS} in the period (negated: the rows of other traces).
   */
  private static Condition traceVerdict(Storage storage, Long project, long[] range, boolean negated,
      TraceVerdict.Kind kind) {
    List<Object> ids = new ArrayList<>();
    for (TraceVerdict v : VerdictJson.judge(storage, new VerdictQuery(project, range[0], range[1], Set.of(), kind,
        VerdictQuery.MAX_TRACE_IDS))) {
      ids.add(v.traceId());
    }
    if (ids.isEmpty()) ids.add(NO_TRACE);
    return new Condition.In(Column.TRACE, ids, negated);
  }

  private static ObjectNode render(DiscoverQuery q, DiscoverResult result) {
    List<String> labels = q.labels();
    List<Field> fields = q.fields();
    ArrayNode data = Responses.array();
    for (List<Object> row : result.rows()) {
      ObjectNode o = data.addObject();
      for (int i = 0; i < labels.size(); i++) {
        Object v = row.get(i);
        String k = labels.get(i);
        if (v == null) o.putNull(k);
        else if (fields.get(i).type() == FieldType.DATE) o.put(k, Timestamps.seconds((Long) v));
        else if (v instanceof Long l) o.put(k, l);
        else if (v instanceof Double d) o.put(k, d);
        else o.put(k, v.toString());
      }
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    ObjectNode meta = res.putObject("meta");
    ObjectNode types = meta.putObject("fields");
    ObjectNode units = meta.putObject("units");
    for (int i = 0; i < labels.size(); i++) {
      FieldType t = fields.get(i).type();
      types.put(labels.get(i), t.jsonName());
      if (t == FieldType.DURATION) units.put(labels.get(i), "millisecond");
      else if (t == FieldType.DATE) units.put(labels.get(i), "second");
      else units.putNull(labels.get(i));
    }
    return res;
  }
}
