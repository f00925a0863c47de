package dev.spindle.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.storage.ErrorQuery;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.HistogramBucket;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.Storage;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TransactionInsights;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Query endpoints behind the transaction summary view (token or session required, like every
 * {@code /api/v1} route). They take the same {@code project}, {@code statsPeriod} or
 * {@code start}/{@code end}, and {@code query} parameters as {@code /api/v1/transactions}:
 * <ul>
 *   <li>{@code GET /api/v1/transactions/histogram?buckets=20} →
 *       {@code {"data": [{"fromMs", "toMs", "count"}]}}
 *   <li>{@code GET /api/v1/transactions/spanops?limit=20} →
 *       {@code {"data": [{"op", "spanCount", "transactionCount", "totalMs", "avgMs", "p95",
 *       "shareOfTime"}]}}, {@code avgMs} being the time per transaction that has the op
 *   <li>{@code GET /api/v1/errors?transaction=&limit=100} →
 *       {@code {"data": [{"eventId", "projectId", "traceId", "spanId", "timestamp", "level",
 *       "message", "exceptionType", "transaction", ...}]}}, newest first
 * </ul>
 */
final class InsightRoutes {
  private final Storage storage;
  private final Routes routes;

  InsightRoutes(Storage storage, Routes routes) {
    this.storage = storage;
    this.routes = routes;
  }

  void register(Javalin app) {
    app.get("/api/v1/transactions/histogram", this::histogram);
    app.get("/api/v1/transactions/spanops", this::spanOps);
    app.get("/api/v1/errors", this::errors);
  }

  private TransactionInsights insights() {
    try {
      return storage.insights();
    } catch (UnsupportedOperationException e) {
      throw new ApiException(501, "this storage backend cannot answer: " + e.getMessage());
    }
  }

  private void histogram(Context ctx) {
    int buckets = SearchParams.intParam(ctx.queryParam("buckets"), "buckets", 20, 1, 200);
    SummaryQuery q = routes.summaryQuery(ctx, 1);
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (HistogramBucket b : insights().histogram(q, buckets)) {
      data.addObject().put("fromMs", b.fromMs()).put("toMs", b.toMs()).put("count", b.count());
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    Routes.json(ctx, 200, res);
  }

  private void spanOps(Context ctx) {
    SummaryQuery q = routes.summaryQuery(ctx, SearchParams.intParam(ctx.queryParam("limit"), "limit", 20, 1, 1000));
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (SpanOpSummary s : insights().spanOps(q)) {
      data.addObject().put("op", s.op()).put("spanCount", s.spanCount())
          .put("transactionCount", s.transactionCount()).put("totalMs", s.totalMs())
          .put("avgMs", s.transactionCount() == 0 ? 0 : s.totalMs() / s.transactionCount())
          .put("p95", s.p95Ms()).put("shareOfTime", s.shareOfTime());
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    Routes.json(ctx, 200, res);
  }

  private void errors(Context ctx) {
    long[] r = routes.range(ctx);
    String txn = ctx.queryParam("transaction");
    ErrorQuery q = new ErrorQuery(routes.projectParam(ctx), r[0], r[1],
        txn == null || txn.isBlank() ? null : txn,
        SearchParams.intParam(ctx.queryParam("limit"), "limit", 100, 1, 1000));
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (ErrorRow e : insights().errors(q)) data.add(TraceView.error(e));
    ObjectNode res = Json.object();
    res.set("data", data);
    Routes.json(ctx, 200, res);
  }
}
