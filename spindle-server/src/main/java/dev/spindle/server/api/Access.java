package dev.spindle.server.api;

import dev.spindle.storage.ApiToken;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * What an {@code /api/v1} route needs of the caller's token; every route is registered with one
 * and {@link TokenAuth} enforces it before the handler runs (a route without one needs
 * {@link #ADMIN}).
 */
enum Access implements RouteRole {
  /** Any token; the answer is limited to what it may see (the project list, the caller itself). */
  SIGNED_IN,
  /** Any token that may see the {@code project} parameter ({@link QueryParams#project}). */
  DATA,
  /** Any token that may see the project in the path ({@code {id}}). */
  PROJECT,
  /** An admin token that may see the project in the path ({@code {id}}). */
  PROJECT_ADMIN,
  /** An admin token of every project: creating projects, managing tokens. */
  ADMIN;

  private static final String ATTRIBUTE = "spindle.token";

  /** The token {@link TokenAuth} authenticated for this request. */
  static ApiToken token(Context ctx) {
    ApiToken t = ctx.attribute(ATTRIBUTE);
    if (t == null) throw new IllegalStateException("no token on a request TokenAuth did not guard: " + ctx.path());
    return t;
  }

  static void setToken(Context ctx, ApiToken token) {
    ctx.attribute(ATTRIBUTE, token);
  }
}
