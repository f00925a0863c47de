package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.HistogramBucket;
import dev.spindle.storage.Storage;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/transactions/histogram?buckets=20}: the duration distribution of the
 * transaction summary, {@code {"data": [{"fromMs", "toMs", "count"}]}}.
 */
final class HistogramHandler implements Handler {
  private final Storage storage;

  HistogramHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    int buckets = QueryParams.intParam(ctx.queryParam("buckets"), "buckets", 20, 1, 200);
    ArrayNode data = Responses.array();
    for (HistogramBucket b : storage.insights().histogram(QueryParams.summary(ctx, 1), buckets)) {
      data.addObject().put("fromMs", b.fromMs()).put("toMs", b.toMs()).put("count", b.count());
    }
    Responses.data(ctx, data);
  }
}
