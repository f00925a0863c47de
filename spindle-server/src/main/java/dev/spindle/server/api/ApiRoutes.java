package dev.spindle.server.api;

import static dev.spindle.server.api.Access.ADMIN;
import static dev.spindle.server.api.Access.DATA;
import static dev.spindle.server.api.Access.PROJECT;
import static dev.spindle.server.api.Access.PROJECT_ADMIN;
import static dev.spindle.server.api.Access.SIGNED_IN;
import static java.util.Objects.requireNonNull;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.http.RateLimiter;
import dev.spindle.storage.Project;
import dev.spindle.storage.Storage;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.function.Function;

/**
 * The query and admin API under {@code /api/v1} (a Bearer token or a web UI session required) and
 * the web UI's sign-in under {@code /auth/session}. Each endpoint is a small handler over the
 * storage SPI, registered with the {@link Access} it needs; {@link TokenAuth} checks it.
 */
public final class ApiRoutes {
  private ApiRoutes() {}

  /**
   * Access settings.
   *
   * @param sessionIdleTimeout    how long a UI session lives unused
   * @param loginAttemptsPerMinute sign-in attempts allowed per client address and minute
   */
  public record Settings(Duration sessionIdleTimeout, int loginAttemptsPerMinute) {
    public Settings {
      requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    }
  }

  /**
   * Adds the routes to {@code app}.
   *
   * @param dsn the DSN a project is answered with (it depends on the server's public URL)
   */
  public static void register(Javalin app, Storage storage, AuthCache auth, Function<Project, String> dsn,
      Settings settings) {
    requireNonNull(storage, "storage");
    Sessions sessions = new Sessions(storage.metadata(), settings.sessionIdleTimeout().toMillis(),
        System::currentTimeMillis);
    app.beforeMatched("/api/v1/*", new TokenAuth(auth, sessions));
    app.get("/api/v1/traces/{traceId}", new TraceHandler(storage), DATA);
    app.get("/api/v1/traces", new TraceSearchHandler(storage), DATA);
    app.get("/api/v1/transactions", new TransactionsHandler(storage), DATA);
    app.get("/api/v1/transactions/timeseries", new TimeseriesHandler(storage), DATA);
    app.get("/api/v1/transactions/histogram", new HistogramHandler(storage), DATA);
    app.get("/api/v1/transactions/spanops", new SpanOpsHandler(storage), DATA);
    app.get("/api/v1/errors", new ErrorsHandler(storage), DATA);
    app.get("/api/v1/outcomes", new OutcomesHandler(storage), DATA);
    app.get("/api/v1/discover", new DiscoverHandler(storage), DATA);
    app.get("/api/v1/service-map", new ServiceMapHandler(storage), DATA);
    app.get("/api/v1/propagation", new PropagationHandler(storage), DATA);
    ProjectAdmin projects = new ProjectAdmin(storage.metadata(), auth, dsn);
    app.get("/api/v1/projects", projects::list, SIGNED_IN);
    app.post("/api/v1/projects", projects::create, ADMIN);
    app.post("/api/v1/projects/{id}/rotate-key", projects::rotateKey, PROJECT_ADMIN);
    app.patch("/api/v1/projects/{id}", projects::update, PROJECT_ADMIN);
    app.get("/api/v1/projects/{id}/transaction-name-rules", projects::nameRules, PROJECT);
    app.delete("/api/v1/projects/{id}/transaction-name-rules", projects::deleteNameRule, PROJECT_ADMIN);
    TokenAdmin tokens = new TokenAdmin(storage.metadata(), auth);
    app.get("/api/v1/whoami", tokens::whoami, SIGNED_IN);
    app.get("/api/v1/tokens", tokens::list, ADMIN);
    app.post("/api/v1/tokens", tokens::create, ADMIN);
    app.delete("/api/v1/tokens/{id}", tokens::revoke, ADMIN);
    new SessionRoutes(sessions, storage.metadata(), new RateLimiter(settings.loginAttemptsPerMinute(), System::currentTimeMillis))
        .register(app);
  }
}
