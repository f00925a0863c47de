package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceVerdict;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/traces/{traceId}}: one trace assembled for the waterfall ({@link TraceView})
 * with its completeness {@code verdict} ({@link VerdictJson}).
 */
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
    Long project = QueryParams.project(ctx);
    TraceData t = storage.traces().trace(id, project);
    if (t.isEmpty()) throw ApiException.notFound("trace " + id + " not found");
    ObjectNode out = TraceView.render(t);
    TraceVerdict v = VerdictJson.of(storage, t, project);
    if (v != null) out.set("verdict", VerdictJson.render(v));
    Responses.json(ctx, 200, out);
  }
}
