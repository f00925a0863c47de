package dev.spindle.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.RateLimiter;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.MetadataStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Sign-in for the web UI: {@code POST /auth/session {"token": "..."}} exchanges an API token for
 * an HttpOnly, SameSite=Strict session cookie (attempts are limited per client address: 429 with
 * {@code Retry-After} beyond the limit); {@code DELETE /auth/session} signs out;
 * {@code GET /auth/session} tells whether the cookie is a live session.
 */
final class SessionRoutes {
  static final String PATH = "/auth/session";

  private final Sessions sessions;
  private final MetadataStore metadata;
  private final RateLimiter limiter;

  SessionRoutes(Sessions sessions, MetadataStore metadata, RateLimiter limiter) {
    this.sessions = sessions;
    this.metadata = metadata;
    this.limiter = limiter;
  }

  void register(Javalin app) {
    app.post(PATH, this::signIn);
    app.delete(PATH, this::signOut);
    app.get(PATH, this::status);
  }

  private void signIn(Context ctx) throws IOException {
    long wait = limiter.acquire(ctx.ip());
    if (wait > 0) {
      throw ApiException.tooManyRequests("too many sign-in attempts from " + ctx.ip() + ": retry in " + wait + " s", wait);
    }
    JsonNode token = JsonBodies.object(ctx).get("token");
    if (token == null || !token.isTextual() || token.asText().isBlank()) {
      throw ApiException.badRequest("token: required, the API token as a string");
    }
    String hash = Tokens.sha256(token.asText().trim());
    if (metadata.activeTokenByHash(hash).isEmpty()) throw ApiException.unauthorized("invalid or revoked API token");
    String id = sessions.create(hash);
    ctx.header("Set-Cookie", cookie(id, Sessions.cookieMaxAgeSeconds()));
    ctx.header("Cache-Control", "no-store");
    Responses.json(ctx, 200, Json.object().put("signedIn", true));
  }

  private void signOut(Context ctx) {
    sessions.end(ctx.cookie(Sessions.COOKIE));
    ctx.header("Set-Cookie", cookie("", 0));
    ctx.status(204);
  }

  private void status(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    Responses.json(ctx, 200, Json.object().put("signedIn", sessions.token(ctx.cookie(Sessions.COOKIE)).isPresent()));
  }

  private static String cookie(String value, long maxAgeSeconds) {
    return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict";
  }
}
