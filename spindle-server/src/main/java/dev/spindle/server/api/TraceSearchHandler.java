package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceSummary;
import dev.spindle.storage.TraceVerdict;
import dev.spindle.storage.VerdictQuery;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/traces}: traces in a range, filtered by {@code query}, {@code minDuration}
 * and {@code maxDuration}, sorted by {@code sort} ({@code -timestamp}, the default,
 * {@code timestamp}, {@code -duration} or {@code duration}).
 */
final class TraceSearchHandler implements Handler {
  private static final Map<String, TraceQuery.Sort> SORTS = Map.of(
      "-timestamp", TraceQuery.Sort.NEWEST, "timestamp", TraceQuery.Sort.OLDEST,
      "-duration", TraceQuery.Sort.LONGEST, "duration", TraceQuery.Sort.SHORTEST);

  private final Storage storage;

  TraceSearchHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    long[] r = QueryParams.range(ctx);
    String sortParam = ctx.queryParam("sort");
    TraceQuery.Sort sort = sortParam == null || sortParam.isBlank() ? TraceQuery.Sort.NEWEST : SORTS.get(sortParam);
    if (sort == null) {
      throw ApiException.badRequest("sort: '" + sortParam + "' (expected: -timestamp, timestamp, -duration or duration)");
    }
    Long project = QueryParams.project(ctx);
    TraceVerdict.Kind kind = VerdictJson.kind(ctx.queryParam("verdict"));
    Set<String> ids = Set.of();
    if (kind != null) {
      ids = verdicts(new VerdictQuery(project, r[0], r[1], Set.of(), kind, VerdictQuery.MAX_TRACE_IDS)).keySet();
      if (ids.isEmpty()) {
        Responses.data(ctx, Responses.array());
        return;
      }
    }
    TraceQuery q = new TraceQuery(project, r[0], r[1], QueryParams.filters(ctx.queryParam("query")),
        QueryParams.durationUs(ctx.queryParam("minDuration"), "minDuration"),
        QueryParams.durationUs(ctx.queryParam("maxDuration"), "maxDuration"), sort, QueryParams.limit(ctx, 50, 1000),
        ids);
    List<TraceSummary> found = storage.search().search(q);
    Map<String, TraceVerdict> verdicts = found.isEmpty() ? Map.of()
        : verdicts(new VerdictQuery(project, found.stream().mapToLong(TraceSummary::startUs).min().orElseThrow(),
            found.stream().mapToLong(TraceSummary::endUs).max().orElseThrow() + 1,
            found.stream().map(TraceSummary::traceId).collect(Collectors.toSet()), null, found.size()));
    ArrayNode data = Responses.array();
    for (TraceSummary s : found) {
      ObjectNode o = data.addObject();
      o.put("traceId", s.traceId());
      o.put("rootTransaction", s.rootTransaction());
      o.put("startTimestamp", Timestamps.seconds(s.startUs()));
      o.put("timestamp", Timestamps.seconds(s.endUs()));
      o.put("durationMs", (s.endUs() - s.startUs()) / 1000.0);
      o.put("spanCount", s.spanCount());
      o.put("transactionCount", s.transactionCount());
      o.put("errorCount", s.errorCount());
      ArrayNode ps = o.putArray("projectIds");
      s.projectIds().forEach(ps::add);
      TraceVerdict v = verdicts.get(s.traceId());
      if (v != null) o.put("verdict", v.verdict().wireName());
    }
    Responses.data(ctx, data);
  }

  /** The verdicts of {@code q} by trace id ({@link VerdictJson#judge}). */
  private Map<String, TraceVerdict> verdicts(VerdictQuery q) {
    return VerdictJson.judge(storage, q).stream()
        .collect(Collectors.toMap(TraceVerdict::traceId, v -> v, (a, b) -> a, LinkedHashMap::new));
  }
}
