package dev.spindle.server.http;

import dev.spindle.server.json.InvalidJsonException;
import dev.spindle.server.json.Json;
import io.javalin.Javalin;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP edge every route shares: one Javalin app whose errors are JSON {@code {"detail": ..}}
 * answers -- an {@link ApiException} its status, invalid JSON a 400, an unknown path a 404, a
 * wrong method a 405, a query the storage backend cannot answer (it throws
 * {@link UnsupportedOperationException}) a 501, anything unexpected a logged 500 -- and
 * {@code GET /health}.
 */
public final class HttpApp {
  private static final Logger LOG = Logger.getLogger(HttpApp.class.getName());

  private HttpApp() {}

  /** A new app refusing bodies over {@code maxRequestBytes}; routes are added by the caller. */
  public static Javalin create(long maxRequestBytes) {
    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.router.ignoreTrailingSlashes = true;
      cfg.http.maxRequestSize = maxRequestBytes;
      cfg.startupWatcherEnabled = false;
    });
    app.exception(ApiException.class, (e, ctx) -> {
      e.headers().forEach(ctx::header);
      Responses.error(ctx, e.status(), e.getMessage());
    });
    app.exception(InvalidJsonException.class, (e, ctx) -> Responses.error(ctx, 400, e.getMessage()));
    app.exception(UnsupportedOperationException.class, (e, ctx) ->
        Responses.error(ctx, 501, "this storage backend cannot answer: " + e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.log(Level.SEVERE, "unexpected failure on " + ctx.method() + " " + ctx.path(), e);
      Responses.error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
    });
    app.error(404, ctx -> {
      String type = ctx.res().getContentType();
      if (type == null || !type.startsWith("application/json")) {
        Responses.error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
      }
    });
    app.error(405, ctx -> Responses.error(ctx, 405, "method not allowed: " + ctx.method() + " " + ctx.path()));
    app.get("/health", ctx -> Responses.json(ctx, 200, Json.object().put("status", "ok")));
    return app;
  }
}
