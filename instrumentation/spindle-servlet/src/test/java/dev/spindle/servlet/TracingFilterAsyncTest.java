package dev.spindle.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.TransactionSource;
import dev.spindle.instrumentation.tests.CapturingTransport;
import dev.spindle.instrumentation.tests.ServerEndpoints;
import dev.spindle.instrumentation.tests.StrictScopesExtension;
import dev.spindle.instrumentation.tests.Traces;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Asynchronous servlets: the transaction lasts until the async cycle completes. */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracingFilterAsyncTest {
  final LinkedBlockingQueue<AsyncContext> started = new LinkedBlockingQueue<>();
  final CountDownLatch dispatchReturned = new CountDownLatch(1);
  CapturingTransport transport;
  Tracer tracer;
  JettyServer jetty;
  HttpClient http;

  @BeforeEach
  void setUp() throws Exception {
    transport = new CapturingTransport();
    // Spindle's tracer: the /dispatch servlet reads the current span through the facade
    tracer = Spindle.init(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport)
        .setUncaughtExceptionHandler(false));
    Filter outer = (req, res, chain) -> {
      chain.doFilter(req, res);
      if (((HttpServletRequest) req).getRequestURI().equals("/held")) dispatchReturned.countDown();
    };
    jetty = JettyServer.start(tracer, Map.of(
        "/held", TracingFilterTest.servlet((req, res) -> started.add(req.startAsync())),
        "/dispatch", new HttpServlet() {
          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (req.getDispatcherType() == DispatcherType.REQUEST) {
              AsyncContext ctx = req.startAsync();
              ctx.start(ctx::dispatch); // comes back through the filter as an ASYNC dispatch
            } else {
              res.getWriter().write(ServerEndpoints.currentSpanBody());
            }
          }
        },
        "/timeout", TracingFilterTest.servlet((req, res) -> req.startAsync().setTimeout(200))), outer);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    jetty.close();
    Spindle.close();
  }

  CompletableFuture<HttpResponse<String>> send(String path) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(jetty.baseUrl() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void transactionFinishesWhenTheAsyncCycleCompletes() throws Exception {
    CompletableFuture<HttpResponse<String>> response = send("/held");
    AsyncContext ctx = started.poll(20, TimeUnit.SECONDS);
    assertNotNull(ctx, "the servlet started async processing");
    assertTrue(dispatchReturned.await(20, TimeUnit.SECONDS), "the first dispatch returned");
    assertTrue(transport.transactions().isEmpty(),
        "no transaction while the response is still pending: " + transport.transactions());

    ((HttpServletResponse) ctx.getResponse()).setStatus(503);
    ctx.complete();
    assertEquals(503, response.get(20, TimeUnit.SECONDS).statusCode());
    JsonNode tx = transport.awaitTransaction(t -> "GET /held".equals(t.path("transaction").asText()));
    assertEquals("unavailable", Traces.statusOf(tx));
    assertEquals(TransactionSource.ROUTE.protocolName(), Traces.sourceOf(tx));
    assertEquals(503, tx.path("contexts").path("trace").path("data").path("http.response.status_code").asInt());
  }

  @Test
  void asyncRedispatchSeesTheSameTransactionAndRecordsOnlyOne() throws Exception {
    HttpResponse<String> response = send("/dispatch").get(20, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    JsonNode tx = transport.awaitTransaction(t -> "GET /dispatch".equals(t.path("transaction").asText()));
    assertEquals(Traces.traceIdOf(tx) + "-" + Traces.spanIdOf(tx), response.body());
    assertEquals("ok", Traces.statusOf(tx));
    // a later request is the barrier: a second transaction for /dispatch would have been sent by now
    send("/held");
    started.poll(20, TimeUnit.SECONDS).complete();
    transport.awaitTransaction(t -> "GET /held".equals(t.path("transaction").asText()));
    assertEquals(1, transport.transactions().stream()
        .filter(t -> "GET /dispatch".equals(t.path("transaction").asText())).count());
  }

  @Test
  void asyncTimeoutIsDeadlineExceeded() throws Exception {
    HttpResponse<String> response = send("/timeout").get(20, TimeUnit.SECONDS);
    assertEquals(500, response.statusCode());
    JsonNode tx = transport.awaitTransaction(t -> "GET /timeout".equals(t.path("transaction").asText()));
    assertEquals("deadline_exceeded", Traces.statusOf(tx));
  }
}
