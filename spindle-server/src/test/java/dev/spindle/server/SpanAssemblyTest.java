package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Span assembly end to end with the real OpenTelemetry SDK exporting OTLP/HTTP: spans exported one
 * by one (children before their root, each in its own request) and a trace split over two
 * batches end up in their transaction, in Discover over spans and in the summary's breakdown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpanAssemblyTest {
  TestServer s;

  @BeforeAll
  void start(@TempDir Path dir) {
    s = new TestServer(dir);
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private SdkTracerProvider otel(Function<SpanExporter, SpanProcessor> processor) {
    SpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(s.base + "/api/1/integration/otlp/v1/traces")
        .addHeader("X-Sentry-Auth", "Sentry sentry_key=" + s.key).build();
    return SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "checkout",
            AttributeKey.stringKey("service.version"), "2.1",
            AttributeKey.stringKey("deployment.environment.name"), "prod"))))
        .addSpanProcessor(processor.apply(exporter)).build();
  }

  private static Span server(Tracer t, String route) {
    return t.spanBuilder("GET " + route).setSpanKind(SpanKind.SERVER).setNoParent()
        .setAttribute("http.request.method", "GET").setAttribute("http.route", route).startSpan();
  }

  private static Span child(Tracer t, Span parent, String name, SpanKind kind) {
    return t.spanBuilder(name).setSpanKind(kind).setParent(Context.root().with(parent)).startSpan();
  }

  private static void pause() throws InterruptedException {
    Thread.sleep(5);
  }

  /** Discover over the trace's spans grouped by transaction, its op, release and environment: count per group. */
  private Map<String, Long> spansByTransaction(String traceId) throws InterruptedException {
    Map<String, Long> groups = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      groups.clear();
      JsonNode data = s.getJson("/api/v1/discover?dataset=spans&field=transaction&field=transaction.op"
          + "&field=release&field=environment&field=service&field=count()&statsPeriod=1h&query="
          + URLEncoder.encode("trace:" + traceId, StandardCharsets.UTF_8)).get("data");
      for (JsonNode row : data) {
        groups.put(row.get("transaction").asText() + " " + row.get("transaction.op").asText() + " "
            + row.get("release").asText() + " " + row.get("environment").asText() + " "
            + row.get("service").asText(), row.get("count()").asLong());
      }
      if (groups.size() == 1) return groups;
      Thread.sleep(100);
    }
    return groups;
  }

  private JsonNode spanOps(String transaction) {
    return s.getJson("/api/v1/transactions/spanops?statsPeriod=1h&query="
        + URLEncoder.encode("transaction:\"" + transaction + "\"", StandardCharsets.UTF_8)).get("data");
  }

  @Test
  void spansExportedOneByOneBeforeTheirRootJoinItsTransaction() throws Exception {
    SdkTracerProvider p = otel(SimpleSpanProcessor::create);
    Tracer t = p.get("test");
    Span root = server(t, "/cart");
    Span handler = child(t, root, "load cart", SpanKind.INTERNAL);
    Span db = child(t, handler, "SELECT cart", SpanKind.CLIENT).setAttribute("db.system", "postgresql");
    pause();
    db.end(); // exported now, alone, long before its parents
    Span call = child(t, handler, "GET", SpanKind.CLIENT).setAttribute("http.request.method", "GET");
    pause();
    call.end();
    handler.end();
    pause();
    root.end();
    assertTrue(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
    p.close();

    String traceId = root.getSpanContext().getTraceId();
    assertEquals(Map.of("GET /cart http.server 2.1 prod checkout", 4L), spansByTransaction(traceId));
    JsonNode ops = spanOps("GET /cart");
    assertEquals(3, ops.size(), ops.toString());
    for (JsonNode o : ops) {
      assertTrue(o.get("shareOfTime").asDouble() > 0 && o.get("shareOfTime").asDouble() <= 1, o.toString());
      assertEquals(1, o.get("transactionCount").asLong(), o.toString());
    }
  }

  @Test
  void aTraceSplitOverTwoBatchesJoinsItsTransaction() throws Exception {
    SpanProcessor[] batch = new SpanProcessor[1];
    SdkTracerProvider p = otel(e -> batch[0] = BatchSpanProcessor.builder(e)
        .setScheduleDelay(1, TimeUnit.HOURS).build());
    Tracer t = p.get("test");
    Span root = server(t, "/orders");
    Span first = child(t, root, "SELECT orders", SpanKind.CLIENT).setAttribute("db.system", "postgresql");
    pause();
    first.end();
    assertTrue(batch[0].forceFlush().join(10, TimeUnit.SECONDS).isSuccess()); // batch 1: the child alone
    Span second = child(t, root, "POST", SpanKind.CLIENT).setAttribute("http.request.method", "POST");
    Span nested = child(t, second, "serialize", SpanKind.INTERNAL);
    pause();
    nested.end();
    second.end();
    root.end();
    assertTrue(batch[0].forceFlush().join(10, TimeUnit.SECONDS).isSuccess()); // batch 2: the rest
    p.close();

    String traceId = root.getSpanContext().getTraceId();
    assertEquals(Map.of("GET /orders http.server 2.1 prod checkout", 4L), spansByTransaction(traceId));
    assertEquals(3, spanOps("GET /orders").size());
  }
}
