package dev.spindle.server.api;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.ApiException;
import dev.spindle.storage.MetadataStore;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Guards {@code /api/v1/*}: an {@code Authorization: Bearer <token>} naming an active API token,
 * or (for the web UI, without that header) a live session cookie; else 401.
 */
final class TokenAuth implements Handler {
  private final AuthCache auth;
  private final Sessions sessions;
  private final MetadataStore metadata;

  TokenAuth(AuthCache auth, Sessions sessions, MetadataStore metadata) {
    this.auth = auth;
    this.sessions = sessions;
    this.metadata = metadata;
  }

  @Override
  public void handle(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null && sessions.isValid(ctx.cookie(Sessions.COOKIE), metadata)) return;
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiException.unauthorized("missing API token: send Authorization: Bearer <token>");
    }
    if (!auth.tokenValid(Tokens.sha256(header.substring(7).trim()))) {
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw ApiException.unauthorized("invalid or revoked API token");
    }
  }
}
