package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.Storage;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/transactions/spanops?limit=20}: where a transaction's time goes,
 * {@code {"data": [{"op", "spanCount", "transactionCount", "totalMs", "avgMs", "p95",
 * "shareOfTime"}]}}, {@code avgMs} being the time per transaction that has the op.
 */
final class SpanOpsHandler implements Handler {
  private final Storage storage;

  SpanOpsHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    ArrayNode data = Responses.array();
    for (SpanOpSummary s : storage.insights().spanOps(QueryParams.summary(ctx, QueryParams.limit(ctx, 20, 1000)))) {
      data.addObject().put("op", s.op()).put("spanCount", s.spanCount())
          .put("transactionCount", s.transactionCount()).put("totalMs", s.totalMs())
          .put("avgMs", s.transactionCount() == 0 ? 0 : s.totalMs() / s.transactionCount())
          .put("p95", s.p95Ms()).put("shareOfTime", s.shareOfTime());
    }
    Responses.data(ctx, data);
  }
}
