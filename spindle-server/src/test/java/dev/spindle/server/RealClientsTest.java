package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sentry.ISpan;
import io.sentry.ITransaction;
import io.sentry.Sentry;
import io.sentry.SpanStatus;
import io.sentry.TransactionOptions;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real sentry-java SDK and the real OpenTelemetry SDK send to a running server; traces are read back. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealClientsTest {
  @TempDir Path dir;
  TestServer s;

  @BeforeEach
  void start() {
    s = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void sentryJavaSdk() throws Exception {
    Sentry.init(o -> {
      o.setDsn(s.server.bootstrap().dsn());
      o.setTracesSampleRate(1.0);
      o.setRelease("shop@1.0.0");
      o.setEnvironment("test");
      o.setEnableUncaughtExceptionHandler(false);
      o.setEnableShutdownHook(false);
    });
    String traceId;
    try {
      TransactionOptions opts = new TransactionOptions();
      opts.setBindToScope(true);
      ITransaction tx = Sentry.startTransaction("GET /checkout", "http.server", opts);
      traceId = tx.getSpanContext().getTraceId().toString();
      ISpan db = tx.startChild("db.query", "SELECT * FROM carts WHERE id = ?");
      Thread.sleep(5);
      db.finish(SpanStatus.OK);
      ISpan http = tx.startChild("http.client", "POST https://payments.example/charge");
      http.finish(SpanStatus.INTERNAL_ERROR);
      Sentry.captureException(new IllegalStateException("payment declined"));
      tx.finish(SpanStatus.OK);
      Sentry.flush(10_000);
    } finally {
      Sentry.close();
    }

    JsonNode t = s.awaitTrace(traceId, 1);
    JsonNode tx = t.get("transactions").get(0);
    assertEquals("GET /checkout", tx.get("name").asText());
    assertEquals("http.server", tx.get("op").asText());
    assertEquals("ok", tx.get("status").asText());
    assertEquals(1, tx.get("projectId").asLong());
    assertEquals("shop@1.0.0", tx.get("release").asText());
    assertEquals("test", tx.get("environment").asText());
    Set<String> ops = new HashSet<>();
    for (JsonNode sp : tx.get("spans")) {
      ops.add(sp.get("op").asText());
      assertEquals(tx.get("spanId").asText(), sp.get("parentSpanId").asText());
      assertTrue(sp.get("startTimestamp").asDouble() >= tx.get("startTimestamp").asDouble());
    }
    assertEquals(Set.of("db.query", "http.client"), ops);
    // The error may arrive in its own envelope a moment later.
    JsonNode errors = t.get("errors");
    for (int i = 0; i < 50 && errors.size() == 0; i++) {
      Thread.sleep(100);
      errors = s.getJson("/api/v1/traces/" + traceId).get("errors");
    }
    assertEquals(1, errors.size());
    assertEquals("payment declined", errors.get(0).get("message").asText());
    assertEquals("IllegalStateException", errors.get(0).get("exceptionType").asText());
    assertEquals(tx.get("spanId").asText(), errors.get(0).get("spanId").asText(), "the error points at the active span");

    JsonNode summary = s.getJson("/api/v1/transactions?project=1&statsPeriod=1h").get("data");
    assertEquals("GET /checkout", summary.get(0).get("transaction").asText());
    assertEquals(1, summary.get(0).get("count").asLong());
  }

  @Test
  @SuppressWarnings("try") // scopes are opened for their side effect: making spans current
  void openTelemetrySdkWithOtlpHttpExporter() throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(s.base + "/api/1/integration/otlp/v1/traces")
        .addHeader("X-Sentry-Auth", "Sentry sentry_key=" + s.key)
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "cart-service",
            AttributeKey.stringKey("deployment.environment.name"), "staging"))))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    String traceId;
    try {
      Tracer tracer = provider.get("spindle-test");
      Span root = tracer.spanBuilder("GET").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.request.method", "GET").setAttribute("http.route", "/cart/{id}")
          .setAttribute("http.response.status_code", 200L).startSpan();
      traceId = root.getSpanContext().getTraceId();
      try (Scope ignored = root.makeCurrent()) {
        Span db = tracer.spanBuilder("SELECT cart").setSpanKind(SpanKind.CLIENT)
            .setAttribute("db.system", "postgresql").startSpan();
        try (Scope ignored2 = db.makeCurrent()) {
          Span inner = tracer.spanBuilder("decode rows").startSpan();
          inner.end();
        }
        db.setStatus(StatusCode.ERROR, "deadlock");
        db.end();
      }
      root.end();
      assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), "export succeeded");
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    JsonNode t = s.awaitTrace(traceId, 1);
    assertEquals(1, t.get("transactions").size(), t.toString());
    JsonNode tx = t.get("transactions").get(0);
    assertEquals("GET /cart/{id}", tx.get("name").asText());
    assertEquals("route", tx.get("transactionSource").asText());
    assertEquals("http.server", tx.get("op").asText());
    assertEquals("cart-service", tx.get("service").asText());
    assertEquals("staging", tx.get("environment").asText());
    assertFalse(tx.get("orphan").asBoolean());
    assertNotNull(tx.get("eventId").asText());
    assertEquals(2, tx.get("spans").size(), "children exported one by one still join their transaction");
    JsonNode db = null;
    for (JsonNode sp : tx.get("spans")) if ("db".equals(sp.get("op").asText())) db = sp;
    assertNotNull(db, tx.toString());
    assertEquals("internal_error", db.get("status").asText());
    assertEquals("SELECT cart", db.get("description").asText());
    assertEquals("client", db.get("data").get("otel.kind").asText());
  }
}
