package dev.spindle.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.internal.Ids;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Filter;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.Project;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TimeBucket;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceSummary;
import dev.spindle.storage.TransactionSummary;
import dev.spindle.storage.WriteBatch;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The HTTP routes: ingestion (CORS enabled), query and admin API (Bearer token), health. */
final class Routes {
  private static final Logger LOG = Logger.getLogger(Routes.class.getName());
  static final String ENVELOPE = "/api/{project_id}/envelope";
  static final String OTLP = "/api/{project_id}/integration/otlp/v1/traces";
  private static final String CORS_HEADERS = "content-type, content-encoding, x-sentry-auth, "
      + "authorization, sentry-trace, baggage, traceparent, tracestate";

  private final Storage storage;
  private final IngestQueue queue;
  private final SpindleServer.Config config;
  private final Function<Project, String> dsn;
  private final Sessions sessions = new Sessions();
  private final AuthCache authCache;
  private final MemoryBudget budget;

  Routes(Storage storage, IngestQueue queue, SpindleServer.Config config, Function<Project, String> dsn) {
    this.storage = storage;
    this.queue = queue;
    this.config = config;
    this.dsn = dsn;
    this.authCache = new AuthCache(storage.metadata());
    this.budget = new MemoryBudget(config.maxInFlightBytes);
  }

  Javalin create() {
    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.router.ignoreTrailingSlashes = true;
      cfg.http.maxRequestSize = config.maxEnvelopeBytes;
      cfg.startupWatcherEnabled = false;
    });
    app.exception(ApiException.class, (e, ctx) -> {
      e.headers.forEach(ctx::header);
      error(ctx, e.status, e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.log(Level.SEVERE, "unexpected failure on " + ctx.method() + " " + ctx.path(), e);
      error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
    });
    app.error(404, ctx -> {
      String type = ctx.res().getContentType();
      if (type == null || !type.startsWith("application/json")) {
        error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
      }
    });
    app.error(405, ctx -> error(ctx, 405, "method not allowed: " + ctx.method() + " " + ctx.path()));

    app.get("/health", ctx -> json(ctx, 200, Json.object().put("status", "ok")));

    if (config.role.ingests()) {
      for (String path : List.of(ENVELOPE, OTLP)) {
        app.before(path, Routes::cors);
        app.addHttpHandler(HandlerType.OPTIONS, path, ctx -> ctx.status(204));
      }
      app.post(ENVELOPE, this::envelope);
      app.post(OTLP, this::otlp);
    }
    if (!config.role.queries()) return app;

    app.before("/api/v1/*", this::requireToken);
    app.get("/api/v1/traces/{traceId}", this::trace);
    app.get("/api/v1/traces", this::searchTraces);
    app.get("/api/v1/transactions", this::transactions);
    app.get("/api/v1/transactions/timeseries", this::timeseries);
    app.get("/api/v1/outcomes", this::outcomes);
    app.get("/api/v1/discover", new DiscoverHandler(storage)::handle);
    app.get("/api/v1/projects", this::listProjects);
    app.post("/api/v1/projects", this::createProject);
    app.post("/api/v1/projects/{id}/rotate-key", this::rotateKey);
    app.patch("/api/v1/projects/{id}", this::updateProject);
    app.get("/api/v1/tokens", this::listTokens);
    app.post("/api/v1/tokens", this::createToken);
    app.delete("/api/v1/tokens/{id}", this::revokeToken);
    new InsightRoutes(storage, this).register(app);
    new SessionRoutes(sessions, storage.metadata()).register(app);
    new WebUi().register(app);
    return app;
  }

  private static void cors(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", CORS_HEADERS);
    ctx.header("Access-Control-Expose-Headers", "x-sentry-error, x-sentry-rate-limits, retry-after");
    ctx.header("Access-Control-Max-Age", "3600");
  }

  static void error(Context ctx, int status, String message) {
    json(ctx, status, Json.object().put("detail", message));
  }

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Json.bytes(body));
  }

  // ---------------------------------------------------------------- ingestion

  private byte[] body(Context ctx, MemoryBudget.Lease lease) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > config.maxEnvelopeBytes) {
      throw ApiException.tooLarge("request body is " + declared + " bytes (limit " + config.maxEnvelopeBytes + ")");
    }
    return Bodies.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"), config.maxEnvelopeBytes, lease);
  }

  private static String headerKey(Context ctx) {
    String k = SentryAuth.keyFromHeader(ctx.header("X-Sentry-Auth"));
    if (k == null) {
      String auth = ctx.header("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "Sentry ", 0, 7)) k = SentryAuth.keyFromHeader(auth);
    }
    return k;
  }

  private void envelope(Context ctx) throws IOException {
    try (MemoryBudget.Lease lease = budget.lease()) {
      envelope(ctx, lease);
    }
  }

  private void envelope(Context ctx, MemoryBudget.Lease lease) throws IOException {
    SentryAuth.parseProjectId(ctx.pathParam("project_id"));
    byte[] body = body(ctx, lease);
    Envelope env = Envelope.parse(body, config.maxItemBytes, 10_000);
    Project project = SentryAuth.authenticate(authCache, ctx.pathParam("project_id"),
        headerKey(ctx), ctx.queryParam("sentry_key"), Json.str(env.headers, "dsn"));
    String envelopeEventId = Json.str(env.headers, "event_id");
    JsonNode dsc = env.headers.path("trace");
    double rate = dsc.path("sample_rate").asDouble(1.0);
    long now = System.currentTimeMillis() * 1000;
    SentryMapper m = new SentryMapper(project.id(), project.scrubPii(), now);
    String id = null;
    for (Envelope.Item item : env.items) {
      switch (item.type) {
        case "transaction": {
          String e = m.transaction(item.json(), envelopeEventId, rate);
          if (id == null) id = e;
          break;
        }
        case "event": {
          String e = m.event(item.json(), envelopeEventId);
          if (id == null) id = e;
          break;
        }
        case "span":
          m.span(item.json(), rate, Json.str(dsc, "release"), Json.str(dsc, "environment"));
          break;
        case "client_report":
          m.clientReport(item.json());
          break;
        default:
          break; // unknown items are skipped
      }
    }
    m.finish();
    commit(new WriteBatch(m.spans, m.errors, m.reports));
    if (id == null) id = SentryMapper.eventId(envelopeEventId);
    ObjectNode res = Json.object();
    if (id == null) res.putNull("id");
    else res.put("id", id);
    json(ctx, 200, res);
  }

  private void otlp(Context ctx) throws IOException {
    try (MemoryBudget.Lease lease = budget.lease()) {
      otlp(ctx, lease);
    }
  }

  private void otlp(Context ctx, MemoryBudget.Lease lease) throws IOException {
    SentryAuth.parseProjectId(ctx.pathParam("project_id"));
    Project project = SentryAuth.authenticate(authCache, ctx.pathParam("project_id"),
        headerKey(ctx), ctx.queryParam("sentry_key"), null);
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    boolean json = type.startsWith("application/json");
    if (!json && !type.startsWith("application/x-protobuf") && !type.startsWith("application/protobuf")) {
      throw new ApiException(415, "unsupported Content-Type '" + ctx.contentType()
          + "' (expected: application/x-protobuf or application/json)");
    }
    byte[] body = body(ctx, lease);
    ExportTraceServiceRequest req = json ? OtlpMapper.parseJson(body) : OtlpMapper.parseProtobuf(body);
    OtlpMapper.Mapped mapped = OtlpMapper.map(req, project.id(), project.scrubPii(), System.currentTimeMillis() * 1000);
    commit(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
    ctx.status(200);
    if (json) {
      ctx.contentType("application/json").result("{}");
    } else {
      ctx.contentType("application/x-protobuf").result(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    }
  }

  /** Hands the batch to the group commit and waits until it is durable. */
  private void commit(WriteBatch batch) {
    if (batch.isEmpty()) return;
    CompletableFuture<Void> done = queue.submit(batch);
    try {
      done.get(config.commitTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw ApiException.overloaded("storage did not confirm the write in time; retry later", 5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.overloaded("interrupted while writing; retry later", 5);
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "write failed", e.getCause());
      String why = e.getCause() instanceof StorageException ? e.getCause().getMessage() : String.valueOf(e.getCause());
      throw ApiException.overloaded("storage failed to write: " + why, 5);
    }
  }

  // ---------------------------------------------------------------- query API

  private void requireToken(Context ctx) {
    String auth = ctx.header("Authorization");
    // Web UI: without an Authorization header, a live session cookie stands for its token.
    if (auth == null && sessions.isValid(ctx.cookie(Sessions.COOKIE), storage.metadata())) return;
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.length() <= 7) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiException.unauthorized("missing API token: send Authorization: Bearer <token>");
    }
    String token = auth.substring(7).trim();
    if (!authCache.tokenValid(Tokens.sha256(token))) {
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw ApiException.unauthorized("invalid or revoked API token");
    }
  }

  Long projectParam(Context ctx) {
    String p = ctx.queryParam("project");
    if (p == null || p.isBlank()) return null;
    return SentryAuth.parseProjectId(p.trim());
  }

  long[] range(Context ctx) {
    long now = System.currentTimeMillis() * 1000;
    Long start = SearchParams.timeUs(ctx.queryParam("start"), "start");
    Long end = SearchParams.timeUs(ctx.queryParam("end"), "end");
    if (start != null || end != null) {
      if (start == null || end == null) throw ApiException.badRequest("start and end go together");
      if (end <= start) throw ApiException.badRequest("end must be after start");
      return new long[] {start, end};
    }
    String period = ctx.queryParam("statsPeriod");
    long p = SearchParams.periodUs(period == null || period.isBlank() ? "24h" : period, "statsPeriod");
    return new long[] {now - p, now + 1};
  }

  private void trace(Context ctx) {
    String id = ctx.pathParam("traceId").toLowerCase(Locale.ROOT);
    if (!Ids.isValidTraceId(id)) throw ApiException.badRequest("invalid trace id '" + ctx.pathParam("traceId") + "' (expected: 32 hex)");
    TraceData t = storage.traces().trace(id, projectParam(ctx));
    if (t.isEmpty()) throw ApiException.notFound("trace " + id + " not found");
    json(ctx, 200, TraceView.render(t));
  }

  private void searchTraces(Context ctx) {
    long[] r = range(ctx);
    String sortParam = ctx.queryParam("sort");
    TraceQuery.Sort sort;
    if (sortParam == null || sortParam.isBlank() || sortParam.equals("-timestamp")) sort = TraceQuery.Sort.NEWEST;
    else if (sortParam.equals("timestamp")) sort = TraceQuery.Sort.OLDEST;
    else if (sortParam.equals("-duration")) sort = TraceQuery.Sort.LONGEST;
    else if (sortParam.equals("duration")) sort = TraceQuery.Sort.SHORTEST;
    else throw ApiException.badRequest("sort: '" + sortParam + "' (expected: -timestamp, timestamp, -duration or duration)");
    TraceQuery q = new TraceQuery(projectParam(ctx), r[0], r[1], SearchParams.filters(ctx.queryParam("query")),
        SearchParams.durationUs(ctx.queryParam("minDuration"), "minDuration"),
        SearchParams.durationUs(ctx.queryParam("maxDuration"), "maxDuration"), sort,
        SearchParams.intParam(ctx.queryParam("limit"), "limit", 50, 1, 1000));
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (TraceSummary s : storage.search().search(q)) {
      ObjectNode o = data.addObject();
      o.put("traceId", s.traceId());
      o.put("rootTransaction", s.rootTransaction());
      o.put("startTimestamp", Timestamps.seconds(s.startUs()));
      o.put("timestamp", Timestamps.seconds(s.endUs()));
      o.put("durationMs", (s.endUs() - s.startUs()) / 1000.0);
      o.put("spanCount", s.spanCount());
      o.put("transactionCount", s.transactionCount());
      o.put("errorCount", s.errorCount());
      ArrayNode ps = o.putArray("projectIds");
      s.projectIds().forEach(ps::add);
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    json(ctx, 200, res);
  }

  SummaryQuery summaryQuery(Context ctx, int limit) {
    long[] r = range(ctx);
    List<Filter> filters = SearchParams.filters(ctx.queryParam("query"));
    String t = ctx.queryParam("apdexThreshold");
    double apdex = SummaryQuery.DEFAULT_APDEX_MS;
    if (t != null && !t.isBlank()) apdex = SearchParams.durationUs(t, "apdexThreshold") / 1000.0;
    if (apdex <= 0) throw ApiException.badRequest("apdexThreshold must be > 0");
    return new SummaryQuery(projectParam(ctx), r[0], r[1], filters, apdex, limit);
  }

  private void transactions(Context ctx) {
    SummaryQuery q = summaryQuery(ctx, SearchParams.intParam(ctx.queryParam("limit"), "limit", 100, 1, 10_000));
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (TransactionSummary s : storage.aggregator().summarize(q)) {
      ObjectNode o = data.addObject();
      o.put("transaction", s.transaction());
      o.put("count", s.count());
      o.put("estimatedCount", s.estimatedCount());
      o.put("tpm", s.tpm());
      o.put("p50", s.p50());
      o.put("p75", s.p75());
      o.put("p95", s.p95());
      o.put("p99", s.p99());
      o.put("failureRate", s.failureRate());
      o.put("apdex", s.apdex());
      o.put("userMisery", s.userMisery());
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    json(ctx, 200, res);
  }

  private void timeseries(Context ctx) {
    SummaryQuery q = summaryQuery(ctx, 1);
    String iv = ctx.queryParam("interval");
    long interval = SearchParams.periodUs(iv == null || iv.isBlank() ? "1h" : iv, "interval");
    if ((q.endUs() - q.startUs()) / interval > 5000) {
      throw ApiException.badRequest("interval: '" + iv + "' gives more than 5000 points; use a longer interval");
    }
    ArrayNode data = Json.MAPPER.createArrayNode();
    double minutes = interval / 60_000_000.0;
    for (TimeBucket b : storage.aggregator().timeseries(q, interval)) {
      ObjectNode o = data.addObject();
      o.put("timestamp", Timestamps.seconds(b.startUs()));
      o.put("count", b.count());
      o.put("tpm", b.count() / minutes);
      o.put("p95", b.p95());
      o.put("failureRate", b.failureRate());
    }
    ObjectNode res = Json.object();
    res.put("intervalSeconds", interval / 1_000_000);
    res.set("data", data);
    json(ctx, 200, res);
  }

  private void outcomes(Context ctx) {
    long[] r = range(ctx);
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (Outcome o : storage.outcomes().outcomes(projectParam(ctx), r[0], r[1])) {
      data.addObject().put("projectId", o.projectId()).put("reason", o.reason())
          .put("category", o.category()).put("quantity", o.quantity());
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    json(ctx, 200, res);
  }

  // ---------------------------------------------------------------- admin API

  private ObjectNode project(Project p) {
    return Json.object().put("id", p.id()).put("name", p.name()).put("dsn", dsn.apply(p))
        .put("scrubPii", p.scrubPii());
  }

  private void listProjects(Context ctx) {
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (Project p : storage.metadata().projects()) data.add(project(p));
    ObjectNode res = Json.object();
    res.set("data", data);
    json(ctx, 200, res);
  }

  private JsonNode jsonBody(Context ctx) throws IOException {
    byte[] b = Bodies.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"), 64 * 1024);
    JsonNode n = Json.parse(b, 0, b.length, "request body");
    if (!n.isObject()) throw ApiException.badRequest("request body: expected a JSON object");
    return n;
  }

  private void createProject(Context ctx) throws IOException {
    JsonNode body = jsonBody(ctx);
    JsonNode name = body.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw ApiException.badRequest("name: required, a non-empty string");
    }
    if (name.asText().length() > 200) throw ApiException.badRequest("name: at most 200 characters");
    Project p = storage.metadata().createProject(name.asText().trim(), Tokens.newPublicKey());
    authCache.clear();
    json(ctx, 201, project(p));
  }

  private long pathId(Context ctx) {
    return SentryAuth.parseProjectId(ctx.pathParam("id"));
  }

  private void rotateKey(Context ctx) {
    long id = pathId(ctx);
    Project p = storage.metadata().rotateKey(id, Tokens.newPublicKey())
        .orElseThrow(() -> ApiException.notFound("project " + id + " not found"));
    authCache.clear();
    json(ctx, 200, project(p));
  }

  private void listTokens(Context ctx) {
    ArrayNode data = Json.MAPPER.createArrayNode();
    for (ApiToken t : storage.metadata().tokens()) {
      data.addObject().put("id", t.id()).put("name", t.name()).put("revoked", t.revoked())
          .put("created", Timestamps.seconds(t.createdUs()));
    }
    ObjectNode res = Json.object();
    res.set("data", data);
    json(ctx, 200, res);
  }

  private void createToken(Context ctx) throws IOException {
    JsonNode body = jsonBody(ctx);
    JsonNode name = body.get("name");
    if (name != null && (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 200)) {
      throw ApiException.badRequest("name: a non-empty string of at most 200 characters");
    }
    String token = Tokens.newApiToken();
    ApiToken t = storage.metadata().createToken(name == null ? "api" : name.asText().trim(), Tokens.sha256(token));
    json(ctx, 201, Json.object().put("id", t.id()).put("name", t.name()).put("token", token));
  }

  private void revokeToken(Context ctx) {
    long id = SentryAuth.parseProjectId(ctx.pathParam("id"));
    if (!storage.metadata().revokeToken(id)) throw ApiException.notFound("token " + id + " not found");
    authCache.clear();
    ctx.status(204);
  }

  private void updateProject(Context ctx) throws IOException {
    long id = pathId(ctx);
    JsonNode body = jsonBody(ctx);
    JsonNode scrub = body.get("scrubPii");
    if (scrub == null || !scrub.isBoolean()) throw ApiException.badRequest("scrubPii: required, true or false");
    Project p = storage.metadata().setScrubPii(id, scrub.asBoolean())
        .orElseThrow(() -> ApiException.notFound("project " + id + " not found"));
    authCache.clear();
    json(ctx, 200, project(p));
  }
}
