package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import brave.Span;
import brave.Tracer;
import brave.Tracing;
import brave.propagation.TraceContextOrSamplingFlags;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.InMemoryReporterMetrics;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * The real Brave tracer with zipkin-reporter's URLConnection sender, pointed at Spindle's Zipkin
 * endpoint and changed in nothing else: two services, each with its own tracer and sender, call one
 * another with B3 headers; the trace is read back through the query API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BraveZipkinTest {
  @TempDir static Path dir;
  TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer(dir);
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** A service as Brave and zipkin-reporter set it up: its tracer, reporting to Spindle. */
  private final class Service implements AutoCloseable {
    final URLConnectionSender sender;
    final AsyncZipkinSpanHandler handler;
    final Tracing tracing;
    final InMemoryReporterMetrics metrics = new InMemoryReporterMetrics();

    Service(String name, Encoding encoding, boolean supportsJoin) {
      sender = URLConnectionSender.newBuilder()
          .endpoint(s.base + "/api/1/integration/zipkin/api/v2/spans?sentry_key=" + s.key)
          .encoding(encoding).build();
      // No timed flush: each service sends one message, on close, so that the cart's child span
      // arrives with its shared parent (a child sent before a shared parent is joined to the
      // client span; see ZipkinMapper).
      handler = AsyncZipkinSpanHandler.newBuilder(sender).messageTimeout(0, TimeUnit.MILLISECONDS)
          .metrics(metrics).build();
      tracing = Tracing.newBuilder().localServiceName(name).supportsJoin(supportsJoin).addSpanHandler(handler).build();
    }

    Tracer tracer() {
      return tracing.tracer();
    }

    @Override
    public void close() {
      handler.flush(); // sends what is pending on this thread
      tracing.close();
      handler.close();
      sender.close();
      assertEquals(1, metrics.messages(), "one message sent");
      assertEquals(0, metrics.messagesDropped(), "and accepted: " + metrics.messagesDroppedByCause());
    }
  }

  /**
   * {@code frontend} serves {@code GET /checkout} and calls {@code cart} ({@code GET /cart/42});
   * {@code cart} queries its database. With B3 join (Brave's default) the cart's server span has
   * the id of the frontend's client span and is flagged shared; without, it is a new child span.
   */
  @ParameterizedTest(name = "{0}, join {1}")
  @CsvSource({"JSON, true", "PROTO3, true", "JSON, false", "PROTO3, false"})
  void twoServicesOneTrace(Encoding encoding, boolean join) throws Exception {
    String traceId;
    String rootId;
    String clientId;
    String dbId;
    try (Service frontend = new Service("frontend", encoding, join); Service cart = new Service("cart", encoding, join)) {
      Span root = frontend.tracer().newTrace().kind(Span.Kind.SERVER).name("GET /checkout")
          .tag("http.method", "GET").tag("http.path", "/checkout").start();
      traceId = root.context().traceIdString();
      rootId = root.context().spanIdString();
      try (Tracer.SpanInScope ignored = frontend.tracer().withSpanInScope(root)) {
        Span client = frontend.tracer().nextSpan().kind(Span.Kind.CLIENT).name("GET").remoteServiceName("cart")
            .tag("http.method", "GET").tag("http.path", "/cart/42").start();
        clientId = client.context().spanIdString();
        Map<String, String> headers = new HashMap<>();
        frontend.tracing.propagation().injector((Map<String, String> h, String k, String v) -> h.put(k, v))
            .inject(client.context(), headers);
        assertEquals(traceId, headers.get("X-B3-TraceId"), "B3 headers carry the 64-bit trace id");

        TraceContextOrSamplingFlags incoming = cart.tracing.propagation()
            .extractor((Map<String, String> h, String k) -> h.get(k)).extract(headers);
        Span server = cart.tracer().joinSpan(incoming.context()).kind(Span.Kind.SERVER).name("GET /cart/{id}")
            .tag("http.method", "GET").tag("http.path", "/cart/42").start();
        try (Tracer.SpanInScope ignored2 = cart.tracer().withSpanInScope(server)) {
          Span db = cart.tracer().nextSpan().kind(Span.Kind.CLIENT).name("query").remoteServiceName("postgres")
              .tag("sql.query", "SELECT * FROM carts WHERE id = ?").start();
          dbId = db.context().spanIdString();
          Thread.sleep(2);
          db.finish();
        }
        server.tag("http.status_code", "404").finish();
        client.tag("http.status_code", "404").finish();
      }
      root.finish();
    }
    assertEquals(16, traceId.length(), "Brave's default: 64-bit trace ids");

    JsonNode t = s.awaitTrace("0000000000000000" + traceId, 2);
    assertEquals("0000000000000000" + traceId, t.get("traceId").asText());
    assertEquals(2, t.get("transactions").size(), t.toString());
    assertEquals(0, t.get("looseSpans").size(), t.toString());
    JsonNode front = t.get("transactions").get(0);
    JsonNode back = t.get("transactions").get(1);

    assertEquals("GET /checkout", front.get("name").asText());
    assertEquals("route", front.get("transactionSource").asText(), "Brave's '<method> <route>' name");
    assertEquals("http.server", front.get("op").asText());
    assertEquals("ok", front.get("status").asText());
    assertEquals("frontend", front.get("service").asText());
    assertEquals("zipkin", front.get("platform").asText());
    assertEquals(1, front.get("projectId").asLong());
    assertEquals(rootId, front.get("spanId").asText());
    assertTrue(front.get("parentSpanId").isNull());
    assertEquals(rootId + traceId, front.get("eventId").asText());
    assertFalse(front.get("orphan").asBoolean());
    assertEquals("/checkout", front.get("data").get("http.path").asText());
    assertEquals(1, front.get("spans").size(), front.toString());
    JsonNode client = front.get("spans").get(0);
    assertEquals(clientId, client.get("spanId").asText());
    assertEquals(rootId, client.get("parentSpanId").asText());
    assertEquals("http.client", client.get("op").asText());
    assertEquals("GET /cart/42", client.get("description").asText());
    assertEquals("not_found", client.get("status").asText());
    assertEquals("client", client.get("data").get("zipkin.kind").asText());
    assertEquals("cart", client.get("data").get("zipkin.remote_endpoint").get("serviceName").asText());
    assertEquals("frontend", client.get("data").get("zipkin.local_endpoint").get("serviceName").asText());

    assertEquals("GET /cart/{id}", back.get("name").asText());
    assertEquals("route", back.get("transactionSource").asText());
    assertEquals("http.server", back.get("op").asText());
    assertEquals("not_found", back.get("status").asText());
    assertEquals("cart", back.get("service").asText());
    assertEquals(clientId, back.get("parentSpanId").asText(), "the server side is the client span's child");
    assertNotEquals(clientId, back.get("spanId").asText(), "two rows, two ids");
    assertFalse(back.get("orphan").asBoolean());
    // Each tracer anchors its own clock: the cart's may be shifted (skewAdjustedMs) into the client span.
    assertTrue(back.get("startTimestamp").asDouble() >= client.get("startTimestamp").asDouble(), t.toString());
    assertTrue(back.get("timestamp").asDouble() <= client.get("timestamp").asDouble(), t.toString());
    if (join) {
      assertTrue(back.get("data").get("zipkin.shared").asBoolean());
      assertEquals(clientId, back.get("data").get("zipkin.id").asText(), "the id Brave gave it");
    } else {
      assertFalse(back.get("data").has("zipkin.shared"));
    }
    assertEquals(1, back.get("spans").size(), back.toString());
    JsonNode db = back.get("spans").get(0);
    assertEquals(dbId, db.get("spanId").asText());
    assertEquals(back.get("spanId").asText(), db.get("parentSpanId").asText(), "the cart's own child");
    assertEquals("db", db.get("op").asText());
    assertEquals("query", db.get("description").asText());
    assertEquals("ok", db.get("status").asText());
    assertEquals("SELECT * FROM carts WHERE id = ?", db.get("data").get("sql.query").asText());
    assertEquals("postgres", db.get("data").get("zipkin.remote_endpoint").get("serviceName").asText());
    assertTrue(db.get("timestamp").asDouble() > db.get("startTimestamp").asDouble());
  }
}
