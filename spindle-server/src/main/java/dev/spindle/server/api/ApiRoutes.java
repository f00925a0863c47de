package dev.spindle.server.api;

import static java.util.Objects.requireNonNull;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.storage.Project;
import dev.spindle.storage.Storage;
import io.javalin.Javalin;
import java.util.function.Function;

/**
 * The query and admin API under {@code /api/v1} (a Bearer token or a web UI session required) and
 * the web UI's sign-in under {@code /auth/session}. Each endpoint is a small handler over the
 * storage SPI.
 */
public final class ApiRoutes {
  private ApiRoutes() {}

  /**
   * Adds the routes to {@code app}.
   *
   * @param dsn the DSN a project is answered with (it depends on the server's public URL)
   */
  public static void register(Javalin app, Storage storage, AuthCache auth, Function<Project, String> dsn) {
    requireNonNull(storage, "storage");
    Sessions sessions = new Sessions();
    app.before("/api/v1/*", new TokenAuth(auth, sessions, storage.metadata()));
    app.get("/api/v1/traces/{traceId}", new TraceHandler(storage));
    app.get("/api/v1/traces", new TraceSearchHandler(storage));
    app.get("/api/v1/transactions", new TransactionsHandler(storage));
    app.get("/api/v1/transactions/timeseries", new TimeseriesHandler(storage));
    app.get("/api/v1/transactions/histogram", new HistogramHandler(storage));
    app.get("/api/v1/transactions/spanops", new SpanOpsHandler(storage));
    app.get("/api/v1/errors", new ErrorsHandler(storage));
    app.get("/api/v1/outcomes", new OutcomesHandler(storage));
    app.get("/api/v1/discover", new DiscoverHandler(storage));
    app.get("/api/v1/service-map", new ServiceMapHandler(storage));
    app.get("/api/v1/propagation", new PropagationHandler(storage));
    ProjectAdmin projects = new ProjectAdmin(storage.metadata(), auth, dsn);
    app.get("/api/v1/projects", projects::list);
    app.post("/api/v1/projects", projects::create);
    app.post("/api/v1/projects/{id}/rotate-key", projects::rotateKey);
    app.patch("/api/v1/projects/{id}", projects::update);
    TokenAdmin tokens = new TokenAdmin(storage.metadata(), auth);
    app.get("/api/v1/tokens", tokens::list);
    app.post("/api/v1/tokens", tokens::create);
    app.delete("/api/v1/tokens/{id}", tokens::revoke);
    new SessionRoutes(sessions, storage.metadata()).register(app);
  }
}
