package dev.spindle.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.SpindleServer;
import dev.spindle.testsupport.SpindleApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two real Spring Boot MVC applications with the starter and Actuator, sending to a real Spindle
 * server (DuckDB in a temp folder); every trace is read back from Spindle's query API. One server
 * and one pair of applications serve every test of the class.
 */
@Timeout(120)
class SpringBootWholeTraceTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path data;
  private static SpindleServer spindle;
  private static SpindleApi api;
  private static ConfigurableApplicationContext users;
  private static ConfigurableApplicationContext orders;
  /** Orders with {@code spring.threads.virtual.enabled} (Java 21+ only). */
  private static ConfigurableApplicationContext virtualOrders;
  private static ConfigurableApplicationContext gateway;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("spindle-spring-boot");
    spindle = SpindleServer.builder().port(0).bind("127.0.0.1").dataDir(data)
        .out(new PrintStream(new ByteArrayOutputStream(), true)).start();
    api = new SpindleApi(spindle.url(), spindle.bootstrap().apiToken());
    users = TestApps.start(TestApps.Users.class, "spring.application.name=users",
        "spindle.dsn=" + spindle.bootstrap().dsn(), "spindle.traces-sample-rate=1.0");
    orders = TestApps.start(TestApps.Orders.class, "spring.application.name=orders-app",
        "spindle.service-name=orders", "spindle.dsn=" + spindle.bootstrap().dsn(),
        "spindle.traces-sample-rate=1.0", "users.url=" + TestApps.url(users));
    // Started here and closed last with the others: a closing context stops Reactor Netty's
    // shared event loops, which the WebClients of the contexts still running use.
    gateway = TestApps.start(TestApps.Gateway.class, "spring.main.web-application-type=reactive",
        "spring.application.name=gateway", "spindle.dsn=" + spindle.bootstrap().dsn(),
        "spindle.traces-sample-rate=1.0", "users.url=" + TestApps.url(users));
    if (Runtime.version().feature() >= 21) {
      virtualOrders = TestApps.start(TestApps.Orders.class, "spring.application.name=orders",
          "spring.threads.virtual.enabled=true", "spindle.dsn=" + spindle.bootstrap().dsn(),
          "spindle.traces-sample-rate=1.0", "users.url=" + TestApps.url(users));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (virtualOrders != null) virtualOrders.close();
    if (gateway != null) gateway.close();
    if (orders != null) orders.close();
    if (users != null) users.close();
    if (spindle != null) spindle.close();
    if (data != null) {
      try (var files = Files.walk(data)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void restClientAndAsyncCallsMakeOneWholeTrace() throws Exception {
    assertWholeTrace(orders, "Thread[");
  }

  /** Boot runs {@code @Async} methods on virtual threads with {@code spring.threads.virtual.enabled}. */
  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void asyncOnVirtualThreadsKeepsTheTrace() throws Exception {
    assertWholeTrace(virtualOrders, "VirtualThread[");
  }

  /** orders -> users 3 times (RestClient, RestTemplate from @Async, WebClient): 4 transactions, 0 orphans. */
  private static void assertWholeTrace(ConfigurableApplicationContext app, String asyncThread) throws Exception {
    HttpResponse<String> r = get(TestApps.url(app) + "/orders/42", null);
    assertEquals(200, r.statusCode(), r.body());
    String[] lines = r.body().split("\n");
    String traceId = lines[0];
    assertEquals("user 42", lines[1]);
    assertTrue(lines[2].startsWith("user 42 on " + asyncThread), lines[2]);
    assertFalse(lines[2].contains("http-nio"), "@Async ran on the request thread: " + lines[2]);
    assertEquals("user 42", lines[3]);

    JsonNode trace = api.awaitTrace(traceId, 4);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(4, txs.size(), trace.toPrettyString());
    assertEquals(0, trace.path("looseSpans").size(), "loose spans: " + trace.path("looseSpans"));
    for (JsonNode t : txs) assertFalse(t.path("orphan").asBoolean(), "orphan: " + t);

    List<JsonNode> roots = txs.stream().filter(t -> t.path("parentSpanId").isNull()).toList();
    assertEquals(1, roots.size(), "roots: " + roots);
    JsonNode root = roots.get(0);
    assertEquals("GET /orders/{id}", root.path("name").asText(), root.toString());
    assertEquals("http.server", root.path("op").asText());
    assertEquals("orders", root.path("service").asText());
    assertEquals("ok", root.path("status").asText());

    // The client spans (RestClient and WebClient on the request thread, RestTemplate on the @Async
    // thread) hang under the request's transaction and carry B's status.
    Set<String> clientSpanIds = new HashSet<>();
    for (JsonNode s : root.path("spans")) {
      if (!s.path("op").asText().equals("http.client")) continue;
      assertEquals(root.path("spanId").asText(), s.path("parentSpanId").asText(), s.toString());
      assertTrue(s.path("description").asText().startsWith("GET " + TestApps.url(users) + "/users/42"), s.toString());
      assertEquals("ok", s.path("status").asText());
      clientSpanIds.add(s.path("spanId").asText());
    }
    assertEquals(3, clientSpanIds.size(), root.path("spans").toString());

    Set<String> parents = new HashSet<>();
    for (JsonNode t : txs) {
      if (t == root) continue;
      assertEquals("GET /users/{id}", t.path("name").asText(), t.toString());
      assertEquals("users", t.path("service").asText());
      assertEquals("http.server", t.path("op").asText());
      assertTrue(clientSpanIds.contains(t.path("parentSpanId").asText()), "parent of " + t + ": " + clientSpanIds);
      parents.add(t.path("parentSpanId").asText());
    }
    assertEquals(clientSpanIds, parents, "each client span has its own server transaction");
  }

  @Test
  void webFluxAndWebClientMakeOneWholeTrace() throws Exception {
    HttpResponse<String> r = get(TestApps.url(gateway) + "/gateway/5", null);
    assertEquals(200, r.statusCode(), r.body());
    String[] lines = r.body().split("\n");
    assertEquals("user 5", lines[1]);

    JsonNode trace = api.awaitTrace(lines[0], 2);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(2, txs.size(), trace.toPrettyString());
    for (JsonNode t : txs) assertFalse(t.path("orphan").asBoolean(), "orphan: " + t);
    JsonNode root = txs.stream().filter(t -> t.path("parentSpanId").isNull()).findFirst().orElseThrow();
    assertEquals("GET /gateway/{id}", root.path("name").asText(), root.toString());
    assertEquals("gateway", root.path("service").asText());
    assertEquals("ok", root.path("status").asText());
    List<JsonNode> clients = list(root.path("spans")).stream()
        .filter(s -> s.path("op").asText().equals("http.client")).toList();
    assertEquals(1, clients.size(), root.toString());
    assertEquals(root.path("spanId").asText(), clients.get(0).path("parentSpanId").asText());
    JsonNode served = txs.stream().filter(t -> t != root).findFirst().orElseThrow();
    assertEquals("GET /users/{id}", served.path("name").asText());
    assertEquals(clients.get(0).path("spanId").asText(), served.path("parentSpanId").asText());
  }

  /** The transaction is current in every operator, across publishOn, delayElement and WebClient. */
  @Test
  void spanIsCurrentInsideReactorOperatorsAcrossThreads() throws Exception {
    HttpResponse<String> r = get(TestApps.url(gateway) + "/gateway/6/hops", null);
    assertEquals(200, r.statusCode(), r.body());
    String[] lines = r.body().split("\n");
    assertEquals(4, lines.length, r.body());
    assertEquals("user 6", lines[3]);
    String[] published = lines[0].split(" ", 3);
    String traceId = published[0];
    String spanId = published[1];
    assertTrue(published[2].startsWith("boundedElastic-"), lines[0]);
    assertTrue(lines[1].split(" ", 3)[2].startsWith("parallel-"), lines[1]);
    for (int i = 1; i < 3; i++) assertTrue(lines[i].startsWith(traceId + " " + spanId + " "), lines[i]);

    JsonNode trace = api.awaitTrace(traceId, 2);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(2, txs.size(), trace.toPrettyString());
    for (JsonNode t : txs) assertFalse(t.path("orphan").asBoolean(), "orphan: " + t);
    assertEquals(0, trace.path("looseSpans").size(), "loose spans: " + trace.path("looseSpans"));
    JsonNode root = txs.stream().filter(t -> t.path("parentSpanId").isNull()).findFirst().orElseThrow();
    assertEquals("GET /gateway/{id}/hops", root.path("name").asText(), root.toString());
    assertEquals(spanId, root.path("spanId").asText(), "the span current in the operators is the transaction");
    List<JsonNode> clients = list(root.path("spans")).stream()
        .filter(s -> s.path("op").asText().equals("http.client")).toList();
    assertEquals(1, clients.size(), root.toString());
    assertEquals(spanId, clients.get(0).path("parentSpanId").asText());
    JsonNode served = txs.stream().filter(t -> t != root).findFirst().orElseThrow();
    assertEquals("GET /users/{id}", served.path("name").asText());
    assertEquals(clients.get(0).path("spanId").asText(), served.path("parentSpanId").asText());
  }

  @Test
  void webFluxErrorIsSentWithItsTrace() throws Exception {
    assertErrorSent(TestApps.url(gateway) + "/gateway/3/fail", "GET /gateway/{id}/fail");
  }

  @Test
  void incomingTraceparentIsContinued() throws Exception {
    String traceId = hex(32);
    String parentSpanId = hex(16);
    HttpResponse<String> r = get(TestApps.url(users) + "/users/7", "00-" + traceId + "-" + parentSpanId + "-01");
    assertEquals(200, r.statusCode());

    JsonNode tx = api.awaitTrace(traceId, 1).path("transactions").get(0);
    assertEquals("GET /users/{id}", tx.path("name").asText(), tx.toString());
    assertEquals(parentSpanId, tx.path("parentSpanId").asText());
  }

  @Test
  void handlerExceptionIsSentWithItsTrace() throws Exception {
    assertErrorSent(TestApps.url(users) + "/users/9/fail", "GET /users/{id}/fail");
  }

  private static void assertErrorSent(String url, String route) throws Exception {
    String traceId = hex(32);
    HttpResponse<String> r = get(url, "00-" + traceId + "-" + hex(16) + "-01");
    assertEquals(500, r.statusCode());

    JsonNode tx = api.awaitTrace(traceId, 1).path("transactions").get(0);
    assertEquals(route, tx.path("name").asText(), tx.toString());
    assertEquals("internal_error", tx.path("status").asText());
    // Sent before the transaction, on the same queue: once the transaction is stored, so is the error.
    List<JsonNode> errors = errorsOf(api.await("/api/v1/errors", e -> !errorsOf(e, traceId).isEmpty(),
        "the error of trace " + traceId), traceId);
    assertEquals(1, errors.size(), "sent once: " + errors);
    JsonNode error = errors.get(0);
    assertEquals(tx.path("spanId").asText(), error.path("spanId").asText(), error.toString());
    assertEquals(route, error.path("transaction").asText(), error.toString());
    assertTrue(error.path("exceptionType").asText().contains("IllegalStateException"), error.toString());
  }

  @Test
  void actuatorAnswersAndIsNamedByItsRoute() throws Exception {
    String traceId = hex(32);
    HttpResponse<String> r = get(TestApps.url(orders) + "/actuator/health", "00-" + traceId + "-" + hex(16) + "-01");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("UP"), r.body());
    JsonNode tx = api.awaitTrace(traceId, 1).path("transactions").get(0);
    assertEquals("GET /actuator/health", tx.path("name").asText(), tx.toString());
  }

  @Test
  void unmatchedPathKeepsItsUrlName() throws Exception {
    String traceId = hex(32);
    HttpResponse<String> r = get(TestApps.url(users) + "/nothing/here", "00-" + traceId + "-" + hex(16) + "-01");
    assertEquals(404, r.statusCode(), r.body());
    JsonNode tx = api.awaitTrace(traceId, 1).path("transactions").get(0);
    assertEquals("GET /nothing/here", tx.path("name").asText(), tx.toString());
    assertEquals("not_found", tx.path("status").asText());
  }

  private static List<JsonNode> errorsOf(JsonNode errors, String traceId) {
    return list(errors.path("data")).stream().filter(e -> traceId.equals(e.path("traceId").asText())).toList();
  }

  private static HttpResponse<String> get(String url, String traceparent) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (traceparent != null) b.header("traceparent", traceparent);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String hex(int length) {
    StringBuilder s = new StringBuilder();
    while (s.length() < length) s.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 63));
    return s.substring(0, length);
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
