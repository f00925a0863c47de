package dev.spindle.instrumentation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.protocol.SpanStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The suite every HTTP server integration runs (Brave's {@code ITHttpServer} idea). A subclass
 * starts its server, instrumented with the given tracer and serving the {@link ServerEndpoints};
 * the suite calls it with a plain {@code java.net.http} client and checks the transactions the
 * tracer would send.
 *
 * <p>The contract checked: incoming {@code sentry-trace} + {@code baggage} or {@code traceparent}
 * are continued (trace id, parent span id, sampling decision); no headers or malformed headers
 * start a new trace and the request is still served; the transaction ({@code op http.server}) is
 * named {@code "<METHOD> <route>"} with source {@code route} when the framework knows the route,
 * else {@code "<METHOD> <sanitized path>"} with source {@code url}; the response code gives the
 * status and {@code http.response.status_code}; an exception gives {@code internal_error} and is
 * handled by the framework as usual; the transaction is current in the handler; 200 concurrent
 * requests each continue their own trace. Scopes are checked strictly.
 */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractHttpServerTest {
  /** Public key of the suite tracer's DSN (nothing is sent to it: the transport captures). */
  protected static final String PUBLIC_KEY = "feedface0123456789feedface012345";
  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

  /** What the tracer would send. */
  protected CapturingTransport transport;
  /** The tracer the server is instrumented with, {@link Spindle}'s (the endpoints use the facade): samples everything. */
  protected Tracer tracer;
  /** An uninstrumented client for calling the server. */
  protected HttpClient http;
  private String baseUrl;

  /**
   * Starts the server under test on 127.0.0.1 and a free port, instrumented with {@code tracer},
   * serving {@link ServerEndpoints}. Returns its base URL, {@code http://127.0.0.1:<port>}.
   */
  protected abstract String startServer(Tracer tracer) throws Exception;

  /** Stops the server started by {@link #startServer}. */
  protected abstract void stopServer() throws Exception;

  /** The options of {@link #tracer}; subclasses may add to them. */
  protected SpindleOptions options() {
    return new SpindleOptions().setDsn("http://" + PUBLIC_KEY + "@127.0.0.1:9/3")
        .setTracesSampleRate(1.0).setTransport(transport);
  }

  @BeforeEach
  void startTheServer() throws Exception {
    transport = new CapturingTransport();
    tracer = Spindle.init(options().setUncaughtExceptionHandler(false)); // the endpoints use Spindle
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    baseUrl = startServer(tracer);
  }

  @AfterEach
  void stopTheServer() throws Exception {
    try {
      stopServer();
    } finally {
      Spindle.close();
    }
  }

  /** The server's URL for {@code path}. */
  protected String url(String path) {
    return baseUrl + path;
  }

  /** Sends {@code GET path} with headers (name, value, name, value...); returns the response. */
  protected HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for the one transaction named {@code name}. */
  protected JsonNode awaitTransactionNamed(String name) {
    return transport.awaitTransaction(t -> name.equals(t.path("transaction").asText()));
  }

  // ---------------------------------------------------------------- personal data

  @Test
  void callerAddressAndHeadersOnlyWithSendDefaultPii() throws Exception {
    String path = ServerEndpoints.OK;
    get(path, "X-Note", "hello", "Authorization", "Bearer secret", "Cookie", "session=secret");
    JsonNode without = awaitTransactionNamed("GET " + path).path("contexts").path("trace").path("data");
    without.fieldNames().forEachRemaining(name -> assertFalse(
        name.equals("client.address") || name.startsWith("http.request.header."), without.toString()));

    stopServer();
    transport = new CapturingTransport();
    tracer = Spindle.init(options().setSendDefaultPii(true).setUncaughtExceptionHandler(false));
    baseUrl = startServer(tracer);
    get(path, "X-Note", "hello", "Authorization", "Bearer secret", "Cookie", "session=secret");
    JsonNode with = awaitTransactionNamed("GET " + path).path("contexts").path("trace").path("data");
    assertEquals("127.0.0.1", with.path("client.address").asText(), with.toString());
    assertEquals("hello", with.path("http.request.header.x-note").asText(), with.toString());
    assertTrue(with.path("http.request.header.authorization").isMissingNode(), with.toString());
    assertTrue(with.path("http.request.header.cookie").isMissingNode(), with.toString());
  }

  // ---------------------------------------------------------------- continuing traces

  @Test
  void continuesSentryTraceAndBaggage() throws Exception {
    String traceId = randomHex(32);
    String parent = randomHex(16);
    HttpResponse<String> r = get(ServerEndpoints.CURRENT,
        "sentry-trace", traceId + "-" + parent + "-1",
        "baggage", "othervendor=1,sentry-trace_id=" + traceId + ",sentry-public_key=upstreamkey,"
            + "sentry-sample_rate=1,sentry-sampled=true,sentry-sample_rand=0.250000,sentry-release=up%401");
    assertEquals(200, r.statusCode());

    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.CURRENT);
    assertEquals("http.server", Traces.operationOf(tx));
    assertEquals(traceId, Traces.traceIdOf(tx));
    assertEquals(parent, Traces.parentSpanIdOf(tx));
    assertNotEquals(parent, Traces.spanIdOf(tx));
    JsonNode dsc = transport.traceHeaderOf(tx);
    assertEquals("upstreamkey", dsc.path("public_key").asText(), "the incoming DSC is frozen: " + dsc);
    assertEquals("0.250000", dsc.path("sample_rand").asText(), dsc.toString());
    assertEquals(traceId + "-" + Traces.spanIdOf(tx), r.body(), "the transaction is current in the handler");
  }

  @Test
  void continuesTraceparent() throws Exception {
    String traceId = randomHex(32);
    String parent = randomHex(16);
    assertEquals(200, get(ServerEndpoints.OK, "traceparent", "00-" + traceId + "-" + parent + "-01").statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.OK);
    assertEquals(traceId, Traces.traceIdOf(tx));
    assertEquals(parent, Traces.parentSpanIdOf(tx));
  }

  @Test
  void headerNamesAreCaseInsensitive() throws Exception {
    String traceId = randomHex(32);
    String parent = randomHex(16);
    assertEquals(200, get(ServerEndpoints.OK, "Sentry-Trace", traceId + "-" + parent + "-1").statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.OK);
    assertEquals(traceId, Traces.traceIdOf(tx));
    assertEquals(parent, Traces.parentSpanIdOf(tx));
  }

  @Test
  void negativeSamplingDecisionIsRespected() throws Exception {
    String traceId = randomHex(32);
    HttpResponse<String> r = get(ServerEndpoints.CURRENT, "sentry-trace", traceId + "-" + randomHex(16) + "-0");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().startsWith(traceId + "-"), "the unsampled trace is still continued: " + r.body());
    // a later sampled request is the barrier: the unsampled one finished before it was sent
    assertEquals(200, get(ServerEndpoints.OK).statusCode());
    awaitTransactionNamed("GET " + ServerEndpoints.OK);
    for (JsonNode t : transport.transactions()) {
      assertNotEquals(traceId, Traces.traceIdOf(t), "an unsampled transaction was sent");
    }
  }

  @Test
  void noHeadersStartANewTrace() throws Exception {
    HttpResponse<String> r = get(ServerEndpoints.CURRENT);
    assertEquals(200, r.statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.CURRENT);
    assertNull(Traces.parentSpanIdOf(tx));
    assertTrue(HEX32.matcher(Traces.traceIdOf(tx)).matches(), Traces.traceIdOf(tx));
    assertEquals(Traces.traceIdOf(tx) + "-" + Traces.spanIdOf(tx), r.body());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "sentry-trace | not-a-trace-header",
      "sentry-trace | 0123456789abcdef0123456789abcdef-0123456789abcde-1",
      "sentry-trace | 0123456789abcdef0123456789abcdeg-0123456789abcdef-1",
      "traceparent  | 00-0123456789abcdef0123456789abcdef-0123456789abcdef",
      "traceparent  | 00-00000000000000000000000000000000-0123456789abcdef-01",
      "traceparent  | 00-0123456789abcdef0123456789abcdef-0000000000000000-01",
      "traceparent  | ff-0123456789abcdef0123456789abcdef-0123456789abcdef-01",
      "baggage      | sentry-trace_id=0123456789abcdef0123456789abcdef"})
  void malformedHeadersStartANewTraceAndTheRequestIsServed(String header, String value) throws Exception {
    HttpResponse<String> r = get(ServerEndpoints.CURRENT, header, value);
    assertEquals(200, r.statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.CURRENT);
    assertNull(Traces.parentSpanIdOf(tx), "no parent from " + header + ": " + value);
    assertNotEquals("0123456789abcdef0123456789abcdef", Traces.traceIdOf(tx));
  }

  // ---------------------------------------------------------------- names and statuses

  @Test
  void transactionIsNamedByTheRouteWhenKnown() throws Exception {
    HttpResponse<String> r = get("/items/4711");
    assertEquals(200, r.statusCode());
    assertEquals("item 4711", r.body());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.ITEMS_ROUTE);
    assertEquals("route", Traces.sourceOf(tx));

    assertEquals(200, get(ServerEndpoints.OK).statusCode());
    assertEquals("route", Traces.sourceOf(awaitTransactionNamed("GET " + ServerEndpoints.OK)));
  }

  @Test
  void transactionIsNamedBySanitizedPathWithoutRoute() throws Exception {
    assertEquals(200, get("/files/2024/report-2024-01-05/3f2504e0-4f89-11d3-9a0c-0305e82c3301/readme?token=abc").statusCode());
    JsonNode tx = awaitTransactionNamed("GET /files/*/*/*/readme");
    assertEquals("url", Traces.sourceOf(tx));
    assertTrue(!tx.toString().contains("token=abc"), "the query is not recorded as is: " + tx);
    JsonNode dsc = transport.traceHeaderOf(tx);
    assertTrue(dsc.path("transaction").isMissingNode(), "url names stay out of the DSC: " + dsc);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"200, ok", "201, ok", "400, invalid_argument", "403, permission_denied",
      "404, not_found", "500, internal_error", "503, unavailable", "504, deadline_exceeded"})
  void responseCodeMapsToTransactionStatus(int code, String status) throws Exception {
    assertEquals(code, get(ServerEndpoints.STATUS_PREFIX + code).statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.STATUS_ROUTE);
    assertEquals(status, Traces.statusOf(tx));
    assertEquals(SpanStatus.fromHttpStatus(code).protocolName(), Traces.statusOf(tx));
    assertEquals(code, tx.path("contexts").path("trace").path("data").path("http.response.status_code").asInt(),
        tx.toString());
  }

  @Test
  void exceptionGivesInternalErrorAndIsHandledAsUsual() throws Exception {
    int code;
    try {
      code = get(ServerEndpoints.EXCEPTION).statusCode();
    } catch (IOException connectionClosedByTheServer) {
      code = -1; // some servers (the JDK's) close the connection when a handler throws
    }
    assertTrue(code == -1 || code == 500, "a failed request: " + code);
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.EXCEPTION);
    assertEquals("internal_error", Traces.statusOf(tx));
    assertEquals(200, get(ServerEndpoints.OK).statusCode(), "the server still serves");
  }

  @Test
  void childSpansOfTheHandlerBelongToTheTransaction() throws Exception {
    assertEquals(200, get(ServerEndpoints.CHILD).statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.CHILD);
    List<JsonNode> children = Traces.spans(tx, ServerEndpoints.CHILD_OPERATION);
    assertEquals(1, children.size(), tx.toString());
    assertEquals(Traces.spanIdOf(tx), children.get(0).path("parent_span_id").asText());
  }

  @Test
  void transactionRecordsMethodAndSanitizedUrl() throws Exception {
    assertEquals(200, get(ServerEndpoints.OK + "?password=hunter2").statusCode());
    JsonNode tx = awaitTransactionNamed("GET " + ServerEndpoints.OK);
    JsonNode data = tx.path("contexts").path("trace").path("data");
    assertEquals("GET", data.path("http.request.method").asText(), tx.toString());
    assertTrue(!tx.toString().contains("hunter2"), "secrets stay out: " + tx);
  }

  // ---------------------------------------------------------------- concurrency

  /** 200 concurrent requests: each continues its own trace and keeps its own user and tags. */
  @Test
  void concurrentRequestsEachContinueTheirOwnTrace() throws Exception {
    int n = 200;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      String[] traceIds = new String[n];
      String[] parents = new String[n];
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        traceIds[i] = randomHex(32);
        parents[i] = randomHex(16);
        String header = traceIds[i] + "-" + parents[i] + "-1";
        responses.add(CompletableFuture.supplyAsync(() -> {
          try {
            return get(ServerEndpoints.CURRENT, "sentry-trace", header);
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      CompletableFuture.allOf(responses.toArray(new CompletableFuture<?>[0])).get(50, TimeUnit.SECONDS);
      List<JsonNode> sent = transport.awaitTransactions(n);
      assertEquals(n, sent.size());
      Map<String, JsonNode> byTrace = new java.util.HashMap<>();
      for (JsonNode t : sent) byTrace.put(Traces.traceIdOf(t), t);
      for (int i = 0; i < n; i++) {
        JsonNode tx = byTrace.get(traceIds[i]);
        assertEquals(parents[i], Traces.parentSpanIdOf(tx), "request " + i);
        assertEquals(traceIds[i] + "-" + Traces.spanIdOf(tx), responses.get(i).get().body(),
            "request " + i + " saw its own transaction as current");
        assertEquals("user-" + traceIds[i], tx.at("/user/id").asText(), "request " + i + "'s own user");
        assertEquals(traceIds[i], tx.at("/tags/" + ServerEndpoints.TRACE_TAG).asText(),
            "request " + i + "'s own tag");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Random lowercase hex of {@code length} characters, never all zeros. */
  protected static String randomHex(int length) {
    StringBuilder b = new StringBuilder(length);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < length; i++) b.append(Character.forDigit(r.nextInt(16), 16));
    b.setCharAt(0, 'a');
    return b.toString();
  }
}
