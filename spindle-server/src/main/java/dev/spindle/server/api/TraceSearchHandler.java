package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceSummary;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

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
    TraceQuery q = new TraceQuery(QueryParams.project(ctx), r[0], r[1], QueryParams.filters(ctx.queryParam("query")),
        QueryParams.durationUs(ctx.queryParam("minDuration"), "minDuration"),
        QueryParams.durationUs(ctx.queryParam("maxDuration"), "maxDuration"), sort, QueryParams.limit(ctx, 50, 1000));
    ArrayNode data = Responses.array();
    for (TraceSummary s : storage.search().search(q)) {
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
    }
    Responses.data(ctx, data);
  }
}
