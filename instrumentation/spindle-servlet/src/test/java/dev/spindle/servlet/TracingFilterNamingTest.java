package dev.spindle.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.CapturingTransport;
import dev.spindle.instrumentation.tests.StrictScopesExtension;
import dev.spindle.instrumentation.tests.Traces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Names under a context path: exact mappings and the context root are routes, the rest is the sanitized URL. */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracingFilterNamingTest {
  CapturingTransport transport;
  Tracer tracer;
  JettyServer jetty;
  HttpClient http;

  @BeforeEach
  void setUp() throws Exception {
    transport = new CapturingTransport();
    tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport));
    jetty = JettyServer.start(tracer, Map.of(
        "/health", TracingFilterTest.servlet((req, res) -> res.getWriter().write("up")),
        "", TracingFilterTest.servlet((req, res) -> res.getWriter().write("root")),
        "/", TracingFilterTest.servlet((req, res) -> res.getWriter().write("default"))), null, "/app");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    jetty.close();
    tracer.close();
  }

  JsonNode call(String path, String expectedBody) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jetty.baseUrl() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals(expectedBody, r.body());
    return transport.awaitTransactions(1).get(0);
  }

  @Test
  void exactMappingIsARouteUnderTheContextPath() throws Exception {
    JsonNode tx = call("/app/health", "up");
    assertEquals("GET /app/health", tx.path("transaction").asText());
    assertEquals("route", Traces.sourceOf(tx));
  }

  @Test
  void contextRootIsARoute() throws Exception {
    JsonNode tx = call("/app/", "root");
    assertEquals("GET /app/", tx.path("transaction").asText());
    assertEquals("route", Traces.sourceOf(tx));
  }

  @Test
  void defaultServletGetsTheSanitizedUrl() throws Exception {
    JsonNode tx = call("/app/users/12345/orders/9f86d081884c7d659a2feaa0c55ad015?x=1", "default");
    assertEquals("GET /app/users/*/orders/*", tx.path("transaction").asText());
    assertEquals("url", Traces.sourceOf(tx));
  }
}
