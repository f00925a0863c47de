package dev.spindle.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.SpindleServer;
import dev.spindle.testsupport.SpindleApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo against a real Spindle server: the traces arrive with the shapes the seed describes. */
@Timeout(120)
class DemoTest {
  @TempDir Path data;
  private SpindleServer spindle;
  private SpindleApi api;
  private Demo demo;

  @BeforeEach
  void start() throws Exception {
    spindle = SpindleServer.builder().port(0).bind("127.0.0.1").dataDir(data)
        .out(new PrintStream(new ByteArrayOutputStream(), true)).start();
    api = new SpindleApi(spindle.url(), spindle.bootstrap().apiToken());
    demo = Demo.start(DemoMain.dsnFrom(data), 1.0);
  }

  @AfterEach
  void stop() {
    if (demo != null) demo.close();
    if (spindle != null) spindle.close();
  }

  @Test
  void pageLoadIsBrowserFiveBackendRequestsAndTheDatabase() throws Exception {
    String traceId = demo.pageLoad();
    assertTrue(demo.flush(Duration.ofSeconds(10)));
    JsonNode trace = api.awaitTrace(traceId, 7);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(7, txs.size(), trace.toPrettyString());
    JsonNode root = only(txs, t -> t.path("parentSpanId").isNull());
    assertEquals("/shop", root.path("name").asText());
    assertEquals("browser", root.path("service").asText());
    assertEquals(7, root.path("spans").size(), "the browser transaction has 7 spans");
    List<String> pageRequests = spanIds(root, "http.client");
    assertEquals(5, pageRequests.size());

    List<JsonNode> backend = txs.stream().filter(t -> t.path("service").asText().equals("backend")).toList();
    assertEquals(5, backend.size());
    for (JsonNode t : backend) {
      assertTrue(pageRequests.contains(t.path("parentSpanId").asText()), "backend not under the page: " + t);
      assertFalse(t.path("orphan").asBoolean());
    }
    JsonNode user = only(backend, t -> t.path("name").asText().equals("GET /api/user"));
    JsonNode db = only(txs, t -> t.path("service").asText().equals("database"));
    assertTrue(spanIds(user, "http.client").contains(db.path("parentSpanId").asText()));
    JsonNode auth = only(list(db.path("spans")), s -> s.path("description").asText().contains("AUTH_CHECK"));
    assertEquals("db.query", auth.path("op").asText());
    double authSeconds = auth.path("timestamp").asDouble() - auth.path("startTimestamp").asDouble();
    assertTrue(authSeconds >= SlowSql.AUTH_MILLIS / 1000.0 * 0.9, "the auth query sleeps; took " + authSeconds);
  }

  @Test
  void submitOrderShowsTheUninstrumentedPaymentApiAndTheLostHopAsAnOrphan() throws Exception {
    String traceId = demo.submitOrder();
    // email is reached asynchronously through the queue
    JsonNode trace = api.await("/api/v1/traces/" + traceId,
        t -> list(t.path("transactions")).stream().anyMatch(x -> x.path("service").asText().equals("email")),
        "the email service's transaction");
    assertTrue(demo.flush(Duration.ofSeconds(10)));
    trace = api.awaitTrace(traceId, 3);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(3, txs.size(), trace.toPrettyString()); // browser, backend, email: no payment-api, no email-queue
    JsonNode root = only(txs, t -> t.path("parentSpanId").isNull());
    assertEquals("submit order", root.path("name").asText());
    JsonNode backend = only(txs, t -> t.path("service").asText().equals("backend"));
    assertTrue(spanIds(root, "http.client").contains(backend.path("parentSpanId").asText()));
    JsonNode charge = only(list(backend.path("spans")), s -> s.path("description").asText().contains("/charge"));
    assertTrue(txs.stream().noneMatch(t -> t.path("parentSpanId").asText().equals(charge.path("spanId").asText())),
        "the payment API is not instrumented");
    JsonNode email = only(txs, t -> t.path("service").asText().equals("email"));
    assertTrue(email.path("orphan").asBoolean(), "email's parent (in the lost email-queue transaction) is unknown: " + email);
    assertFalse(backend.path("orphan").asBoolean());
  }

  @Test
  void serviceMapShowsTheLostEdgeAndTheOrphanEdge() throws Exception {
    String traceId = demo.submitOrder();
    assertTrue(demo.flush(Duration.ofSeconds(10)));
    JsonNode map = api.await("/api/v1/service-map?statsPeriod=1h",
        m -> edge(m, "backend", "inventory") != null && list(m.path("edges")).stream()
            .anyMatch(e -> e.path("target").asText().equals("email") && e.path("orphaned").asLong() > 0),
        "the lost edge backend -> inventory and an orphaned call of email");
    JsonNode lost = edge(map, "backend", "inventory");
    assertEquals(1, lost.path("lost").asLong(), lost.toPrettyString());
    assertEquals(0, lost.path("linked").asLong(), lost.toPrettyString());
    assertEquals(1.0, lost.path("lostShare").asDouble(), lost.toPrettyString());
    JsonNode example = lost.path("examples").get(0);
    assertEquals(traceId, example.path("traceId").asText(),
        "the client span that lost the context is in the order's trace");
    assertTrue(example.path("description").asText().endsWith("/reserve"), example.toString());
    JsonNode continued = api.awaitTrace(example.path("continuedTraceId").asText(), 1);
    assertEquals("inventory", continued.path("transactions").get(0).path("service").asText());
    JsonNode linked = edge(map, "browser", "backend");
    assertEquals(0.0, linked.path("lostShare").asDouble(), linked.toPrettyString());
  }

  private static JsonNode edge(JsonNode map, String source, String target) {
    for (JsonNode e : map.path("edges")) {
      if (e.path("source").asText().equals(source) && e.path("target").asText().equals(target)) return e;
    }
    return null;
  }

  @Test
  void cronJobChainWithTheSkewedServiceAdjusted() throws Exception {
    String traceId = demo.cronJob();
    assertTrue(demo.flush(Duration.ofSeconds(10)));
    JsonNode trace = api.awaitTrace(traceId, 4);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(4, txs.size(), trace.toPrettyString()); // cron, storage, internal, cache (partner-api: external)
    JsonNode root = only(txs, t -> t.path("parentSpanId").isNull());
    assertEquals("nightly-report", root.path("name").asText());
    assertEquals("cron", root.path("op").asText());
    assertNotNull(only(list(root.path("spans")), s -> s.path("op").asText().equals("process.transform")));
    JsonNode storage = only(txs, t -> t.path("service").asText().equals("storage"));
    JsonNode internal = only(txs, t -> t.path("service").asText().equals("internal"));
    JsonNode cache = only(txs, t -> t.path("service").asText().equals("cache"));
    assertTrue(spanIds(root, "http.client").contains(storage.path("parentSpanId").asText()));
    assertTrue(spanIds(storage, "http.client").contains(internal.path("parentSpanId").asText()));
    assertTrue(spanIds(internal, "http.client").contains(cache.path("parentSpanId").asText()));
    assertFalse(spanIds(storage, "db.query").isEmpty());
    for (JsonNode t : txs) assertFalse(t.path("orphan").asBoolean(), "orphan: " + t);
    // internal's clock runs 250 ms ahead: Spindle pulls its transaction back inside its parent span
    assertFalse(internal.path("skewAdjustedMs").isNull(), "internal was not adjusted: " + internal);
    double adjusted = internal.path("skewAdjustedMs").asDouble();
    assertTrue(adjusted < -100 && adjusted > -400, "adjusted by " + adjusted + " ms");
    assertTrue(root.path("skewAdjustedMs").isNull());
  }

  @Test
  void runSendsAMixAtTheChosenRate() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Demo.Stats stats = demo.run(8, Duration.ofMillis(1500), new PrintStream(out, true));
    assertEquals(0, stats.failures(), out.toString());
    assertTrue(stats.pageLoads() >= 1 && stats.orders() >= 1 && stats.cronJobs() >= 1, stats.toString());
    assertTrue(out.toString().contains("first page load: trace "), out.toString());
    assertTrue(demo.flush(Duration.ofSeconds(10)));
    api.await("/api/v1/traces?limit=100", t -> t.path("data").size() >= stats.total(),
        stats.total() + " traces");
  }

  @Test
  void sampleRateZeroAtTheHeadSendsNothing() throws Exception {
    demo.close();
    demo = Demo.start(DemoMain.dsnFrom(data), 0.0);
    String traceId = demo.cronJob();
    assertTrue(demo.flush(Duration.ofSeconds(10)));
    api.await("/api/v1/outcomes", o -> list(o.path("data")).stream()
        .filter(x -> x.path("reason").asText().equals("sample_rate"))
        .mapToLong(x -> x.path("quantity").asLong()).sum() >= 4, "4 sample_rate drops");
    assertEquals(404, api.get("/api/v1/traces/" + traceId).status());
  }

  @Test
  void commandLineArguments() {
    assertEquals(Duration.ofSeconds(90), DemoMain.parseDuration("90"));
    assertEquals(Duration.ofMinutes(2), DemoMain.parseDuration("2m"));
    assertEquals(Duration.ofMillis(500), DemoMain.parseDuration("500ms"));
    assertEquals("http://127.0.0.1:8790/1", DemoMain.redact("http://abc@127.0.0.1:8790/1"));
    assertEquals("http://127.0.0.1:8790/", DemoMain.uiUrl("http://abc@127.0.0.1:8790/1"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DemoMain.parseDuration("soon"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DemoMain.dsnFrom(data.resolve("nothing")));
  }

  private static JsonNode only(List<JsonNode> nodes, Predicate<JsonNode> p) {
    List<JsonNode> found = nodes.stream().filter(p).toList();
    assertEquals(1, found.size(), "expected exactly one match among " + nodes);
    return found.get(0);
  }

  private static List<String> spanIds(JsonNode tx, String op) {
    return list(tx.path("spans")).stream().filter(s -> s.path("op").asText().equals(op))
        .map(s -> s.path("spanId").asText()).toList();
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
