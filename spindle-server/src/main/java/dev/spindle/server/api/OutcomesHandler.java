package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.Storage;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /api/v1/outcomes}: what SDKs and the server dropped, by reason and category. */
final class OutcomesHandler implements Handler {
  private final Storage storage;

  OutcomesHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    long[] r = QueryParams.range(ctx);
    ArrayNode data = Responses.array();
    for (Outcome o : storage.outcomes().outcomes(QueryParams.project(ctx), r[0], r[1])) {
      data.addObject().put("projectId", o.projectId()).put("reason", o.reason())
          .put("category", o.category()).put("quantity", o.quantity());
    }
    Responses.data(ctx, data);
  }
}
