package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.SpindleOptions;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import io.sentry.ISpan;
import io.sentry.ITransaction;
import io.sentry.Sentry;
import io.sentry.TransactionContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Propagation health end to end: real tracing SDKs in three services talking real HTTP. Service A
 * calls B with trace headers and C with its headers stripped (the seed's bug: the context never
 * arrives, C starts a new trace). The service map then shows A -> B linked (lost share 0) and
 * A -> C lost (lost share 1), its example pointing at A's client span and at C's trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PropagationHealthTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  TestServer s;
  final List<HttpServer> services = new ArrayList<>();
  /** The trace id each service's server span had, by request path. */
  final Map<String, String> served = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    s = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    for (HttpServer h : services) h.stop(0);
    s.close();
  }

  /** A service on a free port answering 200 to every request after {@code handle} ran. */
  private String service(Consumer<HttpExchange> handle) throws IOException {
    HttpServer h = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    h.createContext("/", ex -> {
      try {
        handle.accept(ex);
        ex.sendResponseHeaders(200, -1);
      } finally {
        ex.close();
      }
    });
    h.start();
    services.add(h);
    return "http://127.0.0.1:" + h.getAddress().getPort();
  }

  private static void get(String url, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    headers.forEach(b::header);
    try {
      HttpResponse<Void> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding());
      assertEquals(200, r.statusCode());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls the service map until the edge {@code source -> target} has a linked or lost call. */
  private JsonNode awaitEdge(String source, String target) throws InterruptedException {
    JsonNode map = null;
    for (int i = 0; i < 200; i++) {
      map = s.getJson("/api/v1/service-map?statsPeriod=1h");
      for (JsonNode e : map.get("edges")) {
        if (e.get("source").asText().equals(source) && e.get("target").asText().equals(target)
            && e.get("linked").asLong() + e.get("lost").asLong() > 0) {
          return e;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(source + " -> " + target + " never appeared: " + map);
  }

  private void assertLinkedAndLost(String a, String b, String c, String lostTraceId, String lostSpanId,
      String lostDescription) throws InterruptedException {
    JsonNode ab = awaitEdge(a, b);
    assertEquals(1, ab.get("linked").asLong(), ab.toString());
    assertEquals(0, ab.get("lost").asLong(), ab.toString());
    assertEquals(0.0, ab.get("lostShare").asDouble(), ab.toString());
    assertEquals(0, ab.get("examples").size(), ab.toString());

    JsonNode ac = awaitEdge(a, c);
    assertEquals(0, ac.get("linked").asLong(), ac.toString());
    assertEquals(1, ac.get("lost").asLong(), ac.toString());
    assertEquals(1.0, ac.get("lostShare").asDouble(), ac.toString());
    JsonNode example = ac.get("examples").get(0);
    assertEquals(lostTraceId, example.get("traceId").asText(), ac.toString());
    assertEquals(lostSpanId, example.get("spanId").asText(), ac.toString());
    assertEquals(lostDescription, example.get("description").asText(), ac.toString());
    assertEquals(served.get("/c"), example.get("continuedTraceId").asText(), ac.toString());
    assertEquals(1, ac.get("causes").get("noHeaders").asLong(), ac.toString());
    assertEquals(0, ab.get("causes").get("noHeaders").asLong(), ab.toString());
    assertVerdicts(lostTraceId, lostSpanId);

    JsonNode propagation = s.getJson("/api/v1/propagation?statsPeriod=1h&interval=5m");
    assertEquals(300, propagation.get("intervalSeconds").asLong());
    JsonNode worst = propagation.get("edges").get(0);
    assertEquals(a + " -> " + c, worst.get("source").asText() + " -> " + worst.get("target").asText(),
        propagation.toString());
    for (JsonNode e : propagation.get("edges")) {
      assertTrue(e.get("lost").asLong() + e.get("orphaned").asLong() > 0, "only edges that lose context: " + e);
    }
    assertTrue(worst.get("series").size() >= 12, worst.toString());
    long lost = 0;
    for (JsonNode p : worst.get("series")) lost += p.get("lost").asLong();
    assertEquals(1, lost, worst.toString());
  }

  /** The trace that lost its context has the verdict "lost", the trace that continued it "complete". */
  private void assertVerdicts(String lostTraceId, String lostSpanId) {
    JsonNode verdict = s.getJson("/api/v1/traces/" + lostTraceId).get("verdict");
    assertEquals("lost", verdict.get("verdict").asText(), verdict.toString());
    assertEquals(lostSpanId, verdict.get("lost").get(0).get("spanId").asText(), verdict.toString());
    assertEquals(served.get("/c"), verdict.get("lost").get(0).get("continuedTraceId").asText(), verdict.toString());
    assertEquals("complete", s.getJson("/api/v1/traces/" + served.get("/c")).get("verdict").get("verdict").asText());

    JsonNode lost = s.getJson("/api/v1/traces?statsPeriod=1h&verdict=lost").get("data");
    assertEquals(1, lost.size(), lost.toString());
    assertEquals(lostTraceId, lost.get(0).get("traceId").asText());
    assertEquals("lost", lost.get(0).get("verdict").asText());
    JsonNode complete = s.getJson("/api/v1/traces?statsPeriod=1h&verdict=complete").get("data");
    assertTrue(complete.size() >= 1, complete.toString());
    for (JsonNode t : complete) assertEquals("complete", t.get("verdict").asText(), complete.toString());
    assertEquals(0, s.getJson("/api/v1/traces?statsPeriod=1h&verdict=gap").get("data").size());
    assertEquals(400, s.get("/api/v1/traces?statsPeriod=1h&verdict=broken").statusCode());
  }

  private static final TextMapGetter<HttpExchange> OTEL_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpExchange ex) {
      return ex.getRequestHeaders().keySet();
    }

    @Override
    public String get(HttpExchange ex, String key) {
      return ex == null ? null : ex.getRequestHeaders().getFirst(key);
    }
  };

  private SdkTracerProvider otel(String service) {
    return SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), service))))
        .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
            .setEndpoint(s.base + "/api/1/integration/otlp/v1/traces")
            .addHeader("X-Sentry-Auth", "Sentry sentry_key=" + s.key).build()))
        .build();
  }

  /** An OTel server span continuing whatever context the request's headers carry. */
  private void otelServe(SdkTracerProvider provider, HttpExchange ex) {
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), ex, OTEL_GETTER);
    String path = ex.getRequestURI().getPath();
    Span span = provider.get("test").spanBuilder("GET " + path).setSpanKind(SpanKind.SERVER).setParent(parent)
        .setAttribute("http.request.method", "GET").setAttribute("url.path", path)
        .setAttribute("http.route", path).startSpan();
    served.put(path, span.getSpanContext().getTraceId());
    span.end();
  }

  @Test
  @SuppressWarnings("try") // scopes are opened for their side effect: making spans current
  void openTelemetryServicesWithAndWithoutTraceparent() throws Exception {
    SdkTracerProvider a = otel("otel-a");
    SdkTracerProvider b = otel("otel-b");
    SdkTracerProvider c = otel("otel-c");
    String lostTrace;
    String lostSpan = null;
    String cUrl;
    try {
      String bUrl = service(ex -> otelServe(b, ex)) + "/b";
      cUrl = service(ex -> otelServe(c, ex)) + "/c";
      Span root = a.get("test").spanBuilder("GET /start").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.request.method", "GET").setAttribute("http.route", "/start").startSpan();
      try (Scope ignored = root.makeCurrent()) {
        for (String url : List.of(bUrl, cUrl)) {
          Span client = a.get("test").spanBuilder("GET").setSpanKind(SpanKind.CLIENT)
              .setAttribute("http.request.method", "GET").setAttribute("url.full", url).startSpan();
          Map<String, String> headers = new ConcurrentHashMap<>();
          try (Scope ignored2 = client.makeCurrent()) {
            W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
            assertTrue(headers.containsKey("traceparent"));
            if (url.equals(cUrl)) headers.clear(); // the context never arrives at C
            get(url, headers);
          }
          client.end();
        }
        lostTrace = root.getSpanContext().getTraceId();
      }
      root.end();
      for (SdkTracerProvider p : List.of(a, b, c)) {
        assertTrue(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), "export succeeded");
      }
    } finally {
      for (SdkTracerProvider p : List.of(a, b, c)) p.shutdown().join(10, TimeUnit.SECONDS);
    }
    // A's client span to C, as stored
    JsonNode trace = s.getJson("/api/v1/traces/" + lostTrace);
    for (JsonNode tx : trace.get("transactions")) {
      for (JsonNode sp : tx.get("spans")) {
        if (cUrl.equals(sp.path("data").path("url.full").asText())) lostSpan = sp.get("spanId").asText();
      }
    }
    assertTrue(lostSpan != null, "A's client span to C is in A's trace: " + trace);
    assertLinkedAndLost("otel-a", "otel-b", "otel-c", lostTrace, lostSpan, "GET");
  }

  @Test
  void spindleSdkServicesWithAndWithoutHeaders() throws Exception {
    dev.spindle.Tracer a = spindle("spindle-a");
    dev.spindle.Tracer b = spindle("spindle-b");
    dev.spindle.Tracer c = spindle("spindle-c");
    String lostTrace;
    String lostSpan = null;
    String lostDescription = null;
    try {
      String bUrl = service(ex -> spindleServe(b, ex)) + "/b";
      String cUrl = service(ex -> spindleServe(c, ex)) + "/c";
      Transaction root = a.startTransaction("GET /start", "http.server");
      lostTrace = root.traceId();
      for (String url : List.of(bUrl, cUrl)) {
        dev.spindle.Span client = root.startChild("http.client", "GET " + url);
        client.setData("http.request.method", "GET");
        Map<String, String> headers = new ConcurrentHashMap<>();
        a.inject(client, headers, Map::put);
        assertTrue(headers.containsKey("sentry-trace"), headers.toString());
        if (url.equals(cUrl)) {
          headers.clear(); // the context never arrives at C: a header it cannot read does
          headers.put("sentry-trace", "not-a-trace-header");
          lostSpan = client.spanId();
          lostDescription = client.description();
        }
        get(url, headers);
        client.finish();
      }
      root.finish();
      for (dev.spindle.Tracer t : List.of(a, b, c)) assertTrue(t.flush(Duration.ofSeconds(10)), "flushed");
    } finally {
      for (dev.spindle.Tracer t : List.of(a, b, c)) t.close();
    }
    assertLinkedAndLost("spindle-a", "spindle-b", "spindle-c", lostTrace, lostSpan, lostDescription);
    JsonNode causes = awaitEdge("spindle-a", "spindle-b").get("causes");
    assertEquals(0, causes.get("baggageDropped").asLong(), "B continued with A's baggage: " + causes);
    assertEquals(0, causes.get("samplingChanged").asLong(), causes.toString());
    JsonNode rejected = null;
    for (int i = 0; i < 100; i++) { // C's SDK reports the header it could not read in a client report
      rejected = s.getJson("/api/v1/propagation?statsPeriod=1h").get("rejectedHeaders");
      if (rejected.size() > 0) break;
      Thread.sleep(100);
    }
    assertEquals(1, rejected.size(), rejected.toString());
    assertEquals(1, rejected.get(0).get("count").asLong(), rejected.toString());
  }

  @Test
  void sentryJavaServicesWithAndWithoutHeaders() throws Exception {
    Sentry.init(o -> {
      o.setDsn(s.server.bootstrap().dsn());
      o.setTracesSampleRate(1.0);
      o.setEnableUncaughtExceptionHandler(false);
      o.setEnableShutdownHook(false);
    });
    String lostTrace;
    String lostSpan = null;
    String lostDescription = null;
    try {
      String bUrl = service(ex -> sentryServe("sentry-b", ex)) + "/b";
      String cUrl = service(ex -> sentryServe("sentry-c", ex)) + "/c";
      ITransaction root = Sentry.startTransaction("GET /start", "http.server");
      root.setTag("service.name", "sentry-a");
      lostTrace = root.getSpanContext().getTraceId().toString();
      for (String url : List.of(bUrl, cUrl)) {
        ISpan client = root.startChild("http.client", "GET " + url);
        client.setData("http.request.method", "GET");
        Map<String, String> headers = new ConcurrentHashMap<>();
        headers.put("sentry-trace", client.toSentryTrace().getValue());
        if (url.equals(cUrl)) {
          headers.clear(); // the context never arrives at C
          lostSpan = client.getSpanContext().getSpanId().toString();
          lostDescription = client.getDescription();
        }
        get(url, headers);
        client.finish();
      }
      root.finish();
      Sentry.flush(10_000);
    } finally {
      Sentry.close();
    }
    assertLinkedAndLost("sentry-a", "sentry-b", "sentry-c", lostTrace, lostSpan, lostDescription);
    JsonNode causes = awaitEdge("sentry-a", "sentry-b").get("causes");
    assertEquals(1, causes.get("baggageDropped").asLong(),
        "B got sentry-trace without baggage and made its own sampling context: " + causes);
  }

  private void sentryServe(String service, HttpExchange ex) {
    String path = ex.getRequestURI().getPath();
    TransactionContext context = Sentry.continueTrace(ex.getRequestHeaders().getFirst("sentry-trace"), null);
    ITransaction t = Sentry.startTransaction(context == null
        ? new TransactionContext("GET " + path, "http.server") : withName(context, "GET " + path));
    t.setTag("service.name", service);
    served.put(path, t.getSpanContext().getTraceId().toString());
    t.finish();
  }

  private static TransactionContext withName(TransactionContext c, String name) {
    c.setName(name);
    c.setOperation("http.server");
    return c;
  }

  private dev.spindle.Tracer spindle(String service) {
    dev.spindle.Tracer t = dev.spindle.Tracer.create(new SpindleOptions()
        .setDsn(s.server.bootstrap().dsn()).setTracesSampleRate(1.0));
    t.setTag("service.name", service);
    return t;
  }

  private void spindleServe(dev.spindle.Tracer tracer, HttpExchange ex) {
    String path = ex.getRequestURI().getPath();
    Transaction t = tracer.continueTrace(ex, (e, key) -> e.getRequestHeaders().getFirst(key),
        "GET " + path, "http.server", TransactionSource.ROUTE);
    served.put(path, t.traceId());
    t.finish();
  }
}
