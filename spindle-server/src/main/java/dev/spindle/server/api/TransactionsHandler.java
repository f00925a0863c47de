package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.Storage;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TransactionSummary;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /api/v1/transactions}: Performance's table, one row of Sentry's figures per transaction. */
final class TransactionsHandler implements Handler {
  private final Storage storage;

  TransactionsHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    SummaryQuery q = QueryParams.summary(ctx, QueryParams.limit(ctx, 100, 10_000));
    ArrayNode data = Responses.array();
    for (TransactionSummary s : storage.aggregator().summarize(q)) {
      ObjectNode o = data.addObject();
      o.put("transaction", s.transaction());
      o.put("count", s.count());
      o.put("estimatedCount", s.estimatedCount());
      o.put("tpm", s.tpm());
      o.put("p50", s.p50());
      o.put("p75", s.p75());
      o.put("p95", s.p95());
      o.put("p99", s.p99());
      o.put("failureRate", s.failureRate());
      o.put("apdex", s.apdex());
      o.put("userMisery", s.userMisery());
    }
    Responses.data(ctx, data);
  }
}
