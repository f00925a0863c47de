package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.ErrorQuery;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.Storage;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/errors?transaction=&limit=100}: error events, newest first, as
 * {@code {"data": [{"eventId", "projectId", "traceId", "spanId", "timestamp", "level", "message",
 * "exceptionType", "transaction", ...}]}}.
 */
final class ErrorsHandler implements Handler {
  private final Storage storage;

  ErrorsHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    long[] r = QueryParams.range(ctx);
    String txn = ctx.queryParam("transaction");
    ErrorQuery q = new ErrorQuery(QueryParams.project(ctx), r[0], r[1], txn == null || txn.isBlank() ? null : txn,
        QueryParams.limit(ctx, 100, 1000));
    ArrayNode data = Responses.array();
    for (ErrorRow e : storage.insights().errors(q)) data.add(TraceView.error(e));
    Responses.data(ctx, data);
  }
}
