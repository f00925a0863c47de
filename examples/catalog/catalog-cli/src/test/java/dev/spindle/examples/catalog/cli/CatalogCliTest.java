package dev.spindle.examples.catalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.Scope;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Transaction;
import dev.spindle.examples.catalog.client.ApiException;
import dev.spindle.instrumentation.tests.CapturingTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CLI and its per-request hooks against a recording stand-in of the catalog (canned answers,
 * every request's headers kept). The whole trace through a real catalog server and a real Spindle
 * server is checked by {@code catalog-it}.
 */
@Timeout(60)
class CatalogCliTest {
  private HttpServer server;
  private final ConcurrentLinkedQueue<Headers> requests = new ConcurrentLinkedQueue<>();
  private String url;
  private CapturingTransport transport;

  @BeforeEach
  void startCatalogStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestHeaders());
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      int status = 200;
      String body;
      if (path.equals("/packages")) {
        body = "[{\"name\":\"curl\",\"latestVersion\":\"8.6.0\",\"description\":\"Transfer data\"}]";
      } else if (path.equals("/resolve")) {
        body = "{\"resolved\":[{\"name\":\"curl\",\"version\":\"8.6.0\"},"
            + "{\"name\":\"zlib\",\"version\":\"1.3.1\",\"requiredBy\":\"curl\"},"
            + "{\"name\":\"openssl\",\"version\":\"3.2.1\",\"requiredBy\":\"curl\"}],\"missing\":[]}";
      } else if (path.startsWith("/packages/missing/")) {
        status = 404;
        body = "{\"detail\":\"no package named missing\"}";
      } else {
        String name = path.split("/")[2];
        body = "{\"name\":\"" + name + "\",\"versions\":[{\"version\":\"1.0\",\"dependencies\":[]}]}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    Spindle.close();
    server.stop(0);
  }

  private void initSpindle() {
    transport = new CapturingTransport();
    Spindle.init(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport));
  }

  @Test
  void withoutDsnNothingIsTracedAndNoHeaderIsSent() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--server", url, "--print-trace-id", "install", "curl"}, Map.of(),
        new PrintStream(out, true), new PrintStream(err, true));
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("install zlib 1.3.1 (required by curl)"), out.toString());
    assertFalse(err.toString().contains("trace_id="), err.toString());
    assertEquals(4, requests.size()); // resolve + 3 versions
    for (Headers h : requests) {
      assertFalse(h.containsKey("sentry-trace"), h.toString());
      assertFalse(h.containsKey("baggage"), h.toString());
      assertFalse(h.containsKey("traceparent"), h.toString());
    }
    assertFalse(Spindle.isEnabled());
  }

  /** The seed's bug: the client is built under span A, the request is sent under span B. */
  @Test
  void headersComeFromTheSpanCurrentWhenTheRequestIsSent() throws Exception {
    initSpindle();
    Transaction a = Spindle.startTransaction("A", "test");
    CatalogClient client;
    try (Scope s = a.makeCurrent()) {
      client = CatalogClient.create(url);
    }
    a.finish();
    Transaction b = Spindle.startTransaction("B", "test");
    try (Scope s = b.makeCurrent()) {
      client.call(() -> client.api().searchPackages("curl", null));
    }
    b.finish();
    Headers h = requests.peek();
    assertNotNull(h);
    String sentryTrace = h.getFirst("sentry-trace");
    assertNotNull(sentryTrace, "no sentry-trace header");
    assertTrue(sentryTrace.startsWith(b.traceId() + "-"), sentryTrace);
    assertNotEquals(a.traceId(), b.traceId());
    String traceparent = h.getFirst("traceparent");
    assertTrue(traceparent != null && traceparent.contains(b.traceId()), String.valueOf(traceparent));
    assertTrue(h.getFirst("baggage").contains("sentry-trace_id=" + b.traceId()), h.getFirst("baggage"));

    JsonNode txB = transport.awaitTransaction(t -> "B".equals(t.path("transaction").asText()));
    JsonNode span = onlyHttpClientSpan(txB);
    assertEquals(b.spanId(), span.path("parent_span_id").asText());
    assertEquals(span.path("span_id").asText(), sentryTrace.split("-")[1]);
    assertEquals("GET " + url + "/packages", span.path("description").asText());
    assertEquals(200, span.path("data").path("http.response.status_code").asInt());
    assertEquals("ok", span.path("status").asText());
    JsonNode txA = transport.awaitTransaction(t -> "A".equals(t.path("transaction").asText()));
    assertEquals(0, txA.path("spans").size(), "A made no request");
  }

  @Test
  void oneClientServesConcurrentRequestsEachUnderItsOwnParent() throws Exception {
    initSpindle();
    CatalogClient client = CatalogClient.create(url);
    int n = 24;
    List<Transaction> txs = new ArrayList<>();
    ExecutorService pool = Spindle.wrap(Executors.newFixedThreadPool(6));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Transaction tx = Spindle.startTransaction("tx-" + i, "test");
        txs.add(tx);
        try (Scope s = tx.makeCurrent()) {
          futures.add(pool.submit(() -> client.call(() -> client.api().listVersions("p")))); // captured at submit
        }
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdown();
    }
    txs.forEach(Transaction::finish);
    assertEquals(0, client.tracing().inFlight());
    Set<String> headerSpanIds = new HashSet<>();
    for (Headers h : requests) headerSpanIds.add(h.getFirst("sentry-trace").split("-")[1]);
    assertEquals(n, headerSpanIds.size());
    for (Transaction tx : txs) {
      JsonNode sent = transport.awaitTransactionOfSpan(tx.spanId());
      JsonNode span = onlyHttpClientSpan(sent);
      assertEquals(tx.spanId(), span.path("parent_span_id").asText());
      assertTrue(headerSpanIds.contains(span.path("span_id").asText()));
      assertEquals("ok", span.path("status").asText());
    }
  }

  @Test
  void errorResponsesAndUnreachableServersFinishTheSpan() throws Exception {
    initSpindle();
    CatalogClient client = CatalogClient.create(url);
    Transaction tx = Spindle.startTransaction("errors", "test");
    try (Scope s = tx.makeCurrent()) {
      ApiException notFound = assertThrows(ApiException.class,
          () -> client.call(() -> client.api().listVersions("missing")));
      assertEquals(404, notFound.getCode());
    }
    tx.finish();
    JsonNode span = onlyHttpClientSpan(transport.awaitTransactionOfSpan(tx.spanId()));
    assertEquals("not_found", span.path("status").asText());

    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    CatalogClient nowhere = CatalogClient.create("http://127.0.0.1:" + closedPort);
    Transaction tx2 = Spindle.startTransaction("unreachable", "test");
    try (Scope s = tx2.makeCurrent()) {
      assertThrows(ApiException.class, () -> nowhere.call(() -> nowhere.api().searchPackages(null, null)));
    }
    tx2.finish();
    assertEquals(0, nowhere.tracing().inFlight());
    JsonNode failed = onlyHttpClientSpan(transport.awaitTransactionOfSpan(tx2.spanId()));
    assertEquals("unavailable", failed.path("status").asText());
  }

  private static JsonNode onlyHttpClientSpan(JsonNode transaction) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode s : transaction.path("spans")) {
      if ("http.client".equals(s.path("op").asText())) found.add(s);
    }
    assertEquals(1, found.size(), transaction.toString());
    return found.get(0);
  }
}
