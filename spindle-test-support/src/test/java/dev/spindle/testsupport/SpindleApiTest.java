package dev.spindle.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpindleApiTest {
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger traceRequests = new AtomicInteger();
  private HttpServer server;
  private SpindleApi api;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/empty", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    // The trace arrives in parts: missing twice, then one transaction, then both.
    server.createContext("/api/v1/traces/abc", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      int n = traceRequests.incrementAndGet();
      String body = n <= 2 ? "{\"error\":\"not found\"}"
          : n == 3 ? "{\"transactions\":[{\"name\":\"a\"}]}"
          : "{\"transactions\":[{\"name\":\"a\"},{\"name\":\"b\"}]}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(n <= 2 ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    api = new SpindleApi("http://127.0.0.1:" + server.getAddress().getPort(), "spd_test");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void getSendsTheTokenAndParsesTheBody() throws Exception {
    SpindleApi.Reply missing = api.get("/api/v1/traces/abc");
    assertEquals(404, missing.status());
    assertEquals("not found", missing.body().path("error").asText());

    SpindleApi.Reply empty = api.get("/api/v1/empty");
    assertEquals(404, empty.status());
    assertNull(empty.body(), "an empty body is null");
    assertEquals(List.of("Bearer spd_test", "Bearer spd_test"), authorizations);
  }

  @Test
  void awaitTracePollsUntilTheTraceIsWhole() throws Exception {
    JsonNode trace = api.awaitTrace("abc", 2);
    assertEquals(2, trace.path("transactions").size());
    assertEquals(4, traceRequests.get(), "two 404s and a partial trace were polled past");
  }

  @Test
  void refusesNulls() {
    assertThrows(NullPointerException.class, () -> new SpindleApi(null, "t"));
    assertThrows(NullPointerException.class, () -> new SpindleApi("http://127.0.0.1:1", null));
  }
}
