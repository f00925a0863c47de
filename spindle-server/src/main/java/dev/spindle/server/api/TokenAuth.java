package dev.spindle.server.api;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.ApiException;
import dev.spindle.storage.ApiToken;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Guards every {@code /api/v1} route, the one place access is decided. Authentication: an
 * {@code Authorization: Bearer <token>} naming an active API token, or (for the web UI, without
 * that header) a live session cookie; else 401. Authorization: the route's {@link Access} against
 * the token's scope and projects; else 403 saying what the token lacks. A token limited to
 * projects gets 403 for any other project, whether or not it exists.
 */
final class TokenAuth implements Handler {
  private final AuthCache auth;
  private final Sessions sessions;

  TokenAuth(AuthCache auth, Sessions sessions) {
    this.auth = auth;
    this.sessions = sessions;
  }

  @Override
  public void handle(Context ctx) {
    ApiToken token = authenticate(ctx);
    Access.setToken(ctx, token);
    Access need = ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast)
        .findFirst().orElse(Access.ADMIN);
    switch (need) {
      case SIGNED_IN -> { }
      case DATA -> QueryParams.project(ctx);
      case PROJECT, PROJECT_ADMIN -> {
        if (need == Access.PROJECT_ADMIN) requireAdmin(ctx, token);
        long id = QueryParams.id(ctx.pathParam("id"), "project");
        if (!token.maySee(id)) throw ApiException.forbidden(notVisible(token, id));
      }
      case ADMIN -> {
        requireAdmin(ctx, token);
        if (!token.allProjects()) {
          throw ApiException.forbidden("this API token is limited to " + projects(token) + ": " + ctx.method()
              + " " + ctx.path() + " needs an admin token of every project");
        }
      }
    }
  }

  private ApiToken authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null) {
      Optional<ApiToken> t = sessions.token(ctx.cookie(Sessions.COOKIE));
      if (t.isPresent()) return t.get();
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiException.unauthorized("missing API token: send Authorization: Bearer <token>");
    }
    return auth.token(Tokens.sha256(header.substring(7).trim())).orElseThrow(() -> {
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return ApiException.unauthorized("invalid or revoked API token");
    });
  }

  private static void requireAdmin(Context ctx, ApiToken token) {
    if (token.scope() != ApiToken.Scope.ADMIN) {
      throw ApiException.forbidden("this API token is read-only: " + ctx.method() + " " + ctx.path()
          + " needs an admin token");
    }
  }

  /** "project 1" or "projects 1, 3". */
  static String projects(ApiToken token) {
    return (token.projects().size() == 1 ? "project " : "projects ")
        + token.projects().stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  static String notVisible(ApiToken token, long project) {
    return "this API token may not see project " + project + " (it sees " + projects(token) + ")";
  }
}
