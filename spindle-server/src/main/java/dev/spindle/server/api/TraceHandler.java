package dev.spindle.server.api;

import dev.spindle.protocol.internal.Ids;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceData;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /api/v1/traces/{traceId}}: one trace assembled for the waterfall ({@link TraceView}). */
final class TraceHandler implements Handler {
  private final Storage storage;

  TraceHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    String id = Ids.traceId(ctx.pathParam("traceId"));
    if (id == null) {
      throw ApiException.badRequest("invalid trace id '" + ctx.pathParam("traceId") + "' (expected: 32 hex)");
    }
    TraceData t = storage.traces().trace(id, QueryParams.project(ctx));
    if (t.isEmpty()) throw ApiException.notFound("trace " + id + " not found");
    Responses.json(ctx, 200, TraceView.render(t));
  }
}
