package dev.spindle.server.ingest;

import static java.util.Objects.requireNonNull;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.SpanWriter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Map;

/**
 * The ingestion endpoints, open to browsers (CORS): {@code POST /api/<project>/envelope/}
 * (Sentry envelopes), {@code POST /api/<project>/integration/otlp/v1/traces} (OTLP/HTTP,
 * protobuf or JSON) and {@code POST /api/<project>/integration/zipkin/api/v2/spans} (Zipkin v2,
 * JSON or proto3). Each answers 2xx only once {@code writer} returned, i.e. the rows are durable.
 * OTLP/gRPC, on its own port, shares their settings and memory budget: {@link #startOtlpGrpc}.
 */
public final class IngestRoutes {
  static final String ENVELOPE = "/api/{project_id}/envelope";
  static final String OTLP = "/api/{project_id}/integration/otlp/v1/traces";
  static final String ZIPKIN = "/api/{project_id}/integration/zipkin/api/v2/spans";
  private static final String CORS_HEADERS = "content-type, content-encoding, x-sentry-auth, "
      + "authorization, sentry-trace, baggage, traceparent, tracestate";

  /**
   * What ingestion needs.
   *
   * @param writer           where accepted rows go; returns when they are durable
   * @param auth             public-key lookups
   * @param metadata         where transaction-name rules are kept ({@link TransactionNaming})
   * @param maxBodyBytes     the largest request body, compressed or not (413 beyond)
   * @param maxItemBytes     the largest envelope item after decompression (413 beyond)
   * @param maxInFlightBytes decompressed bytes all requests may hold at once (503 beyond)
   * @param projectPerMinute requests a minute per project, 0 for no limit (429 beyond)
   * @param keyPerMinute     requests a minute per DSN key, 0 for no limit (429 beyond)
   * @param projectSpansPerDay spans a project may store per UTC day, 0 for no quota (429 beyond)
   */
  public record Settings(SpanWriter writer, AuthCache auth, MetadataStore metadata, long maxBodyBytes, long maxItemBytes,
      long maxInFlightBytes, int projectPerMinute, int keyPerMinute, long projectSpansPerDay) {
    public Settings {
      requireNonNull(writer, "writer");
      requireNonNull(auth, "auth");
      requireNonNull(metadata, "metadata");
    }
  }

  private final Ingestion ingestion;

  private IngestRoutes(Ingestion ingestion) {
    this.ingestion = ingestion;
  }

  /** Adds the ingestion routes to {@code app}; the result can also serve OTLP/gRPC. */
  public static IngestRoutes register(Javalin app, Settings settings) {
    Ingestion ingestion = new Ingestion(settings);
    for (String path : List.of(ENVELOPE, OTLP, ZIPKIN)) {
      app.before(path, IngestRoutes::cors);
      app.addHttpHandler(HandlerType.OPTIONS, path, ctx -> ctx.status(204));
    }
    app.post(ENVELOPE, new EnvelopeHandler(ingestion));
    app.post(OTLP, new OtlpHandler(ingestion));
    app.post(ZIPKIN, new ZipkinHandler(ingestion));
    app.exception(IngestException.class, (e, ctx) -> {
      ApiException a = toApi(e);
      a.headers().forEach(ctx::header);
      Responses.error(ctx, a.status(), a.getMessage());
    });
    return new IngestRoutes(ingestion);
  }

  /**
   * Starts OTLP/gRPC on {@code bind:port} (0: a free port), sharing these routes' settings and
   * in-flight memory budget.
   */
  public OtlpGrpcServer startOtlpGrpc(String bind, int port) {
    return OtlpGrpcServer.start(ingestion, bind, port);
  }

  /** The HTTP answer to a refusal. */
  static ApiException toApi(IngestException e) {
    if (e.kind().status == 503) return ApiException.overloaded(e.getMessage(), e.retryAfterSeconds());
    if (e.kind() == IngestException.Kind.RATE_LIMITED) {
      return new ApiException(429, e.getMessage(), Map.of("Retry-After", Integer.toString(e.retryAfterSeconds()),
          "X-Sentry-Rate-Limits", e.rateLimits()));
    }
    return new ApiException(e.kind().status, e.getMessage());
  }

  private static void cors(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", CORS_HEADERS);
    ctx.header("Access-Control-Expose-Headers", "x-sentry-error, x-sentry-rate-limits, retry-after");
    ctx.header("Access-Control-Max-Age", "3600");
  }
}
