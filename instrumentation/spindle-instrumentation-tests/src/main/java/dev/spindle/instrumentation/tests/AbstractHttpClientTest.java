package dev.spindle.instrumentation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.instrumentation.tests.RecordingServer.RecordedRequest;
import dev.spindle.protocol.SpanStatus;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The suite every HTTP client integration runs (Brave's {@code ITHttpClient} idea). A subclass
 * says how to build its instrumented client and how to send a GET; the suite starts a real JDK
 * {@code HttpServer} on 127.0.0.1 as the remote ({@link #remote}) and checks what the remote saw
 * and what the tracer would send.
 *
 * <p>The contract checked, for every request:
 * <ul>
 *   <li>an {@code http.client} span is a child of the span current <em>when the request is
 *       sent</em> (never of the span current when the client was built), with data
 *       {@code http.request.method}, {@code url} (no user info, no query) and
 *       {@code http.response.status_code}, description {@code "<METHOD> <url>"}, status from
 *       {@link SpanStatus#fromHttpStatus}; secrets in the query are never recorded;
 *   <li>{@code sentry-trace}, {@code baggage} and {@code traceparent} naming that span are sent
 *       only to URLs matching {@code tracePropagationTargets}, never to the DSN's ingest URL;
 *       a {@code baggage} header of another vendor is kept and merged into one header;
 *   <li>a failed request (connection refused) finishes its span with a failure status;
 *   <li>with no current span, the request goes out untouched;
 *   <li>200 concurrent requests from platform threads, a wrapped executor,
 *       {@code CompletableFuture} chains and (Java 21+) virtual threads each get a span with the
 *       right parent and headers naming their own span.
 * </ul>
 * Scopes are checked strictly and every test is bounded by a timeout.
 *
 * @param <C> the instrumented client type
 */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractHttpClientTest<C> {
  /** Public key of the DSN the suite's tracers use; the DSN points at {@link #remote}, project 7. */
  protected static final String PUBLIC_KEY = "c0ffee0123456789c0ffee0123456789";
  /** Requests made by each concurrency test. */
  protected static final int CONCURRENT_REQUESTS = 200;
  /** Calls made by one unsampled request. */
  protected static final int UNSAMPLED_CALLS = 100;

  private static final Pattern SENTRY_TRACE = Pattern.compile("([0-9a-f]{32})-([0-9a-f]{16})(?:-([01]))?");
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  /** The remote server, started before each test. */
  protected RecordingServer remote;
  /** What the suite's tracers would send. */
  protected CapturingTransport transport;
  /** A tracer sampling everything, propagating to every URL but the DSN's ingest URL. */
  protected Tracer tracer;
  /** {@link #newClient} of {@link #tracer}, built before each test with no span current. */
  protected C client;

  private final List<Tracer> tracers = new ArrayList<>();
  private final List<C> clients = new ArrayList<>();

  /**
   * A client instrumented with {@code tracer}. It is built once and used from many threads, under
   * whatever span is current when each request is sent.
   */
  protected abstract C newClient(Tracer tracer) throws Exception;

  /**
   * Sends {@code GET url} with {@code headers} added, on the calling thread, and returns the
   * response status code. Error statuses are returned, not thrown; network failures are thrown.
   */
  protected abstract int get(C client, String url, Map<String, String> headers) throws Exception;

  /**
   * Whether the client has an asynchronous API exercised by {@link #getAsync}. Default false:
   * the asynchronous tests are skipped.
   */
  protected boolean supportsAsync() {
    return false;
  }

  /**
   * Starts {@code GET url} with the client's asynchronous API from the calling thread (whose
   * current span is the parent) and returns a stage completing with the status code. Only called
   * when {@link #supportsAsync()} is true.
   */
  protected CompletionStage<Integer> getAsync(C client, String url, Map<String, String> headers)
      throws Exception {
    throw new UnsupportedOperationException("getAsync");
  }

  /** Releases a client built by {@link #newClient}. Default: nothing. */
  protected void closeClient(C client) throws Exception {}

  @BeforeEach
  void startRemoteAndClient() throws Exception {
    remote = RecordingServer.start();
    transport = new CapturingTransport();
    tracer = newTracer(options());
    client = newTrackedClient(tracer);
  }

  @AfterEach
  void stopRemoteAndClient() throws Exception {
    try {
      for (C c : clients) closeClient(c);
      for (Tracer t : tracers) t.close();
    } finally {
      remote.close();
    }
  }

  /** The DSN of the suite's tracers: its ingest URL is on {@link #remote}. */
  protected String dsn() {
    return "http://" + PUBLIC_KEY + "@127.0.0.1:" + remote.port() + "/7";
  }

  /** Options sampling everything and sending to {@link #transport}. */
  protected SpindleOptions options() {
    return new SpindleOptions().setDsn(dsn()).setTracesSampleRate(1.0).setTransport(transport);
  }

  /** A tracer closed after the test. */
  protected Tracer newTracer(SpindleOptions options) {
    Tracer t = Tracer.create(options);
    tracers.add(t);
    return t;
  }

  /** A client of {@link #newClient} closed after the test. */
  protected C newTrackedClient(Tracer tracer) throws Exception {
    C c = newClient(tracer);
    clients.add(c);
    return c;
  }

  // ---------------------------------------------------------------- the span and its headers

  @Test
  void clientSpanIsChildOfTheCurrentSpan() throws Exception {
    Transaction tx = tracer.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(client, remote.url("/users"), Map.of()));
    }
    JsonNode json = finishAndAwait(tx);

    List<JsonNode> spans = Traces.spans(json, "http.client");
    assertEquals(1, spans.size(), "one http.client span: " + json);
    JsonNode span = spans.get(0);
    assertEquals(tx.spanId(), span.path("parent_span_id").asText());
    assertEquals("ok", span.path("status").asText());
    assertEquals("GET", span.path("data").path("http.request.method").asText());
    assertEquals(remote.url("/users"), span.path("data").path("url").asText());
    assertEquals(200, span.path("data").path("http.response.status_code").asInt());
    assertEquals("GET " + remote.url("/users"), span.path("description").asText());

    assertHeadersName(remote.requestTo("/users"), tx.traceId(), span.path("span_id").asText(), true);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"201, ok", "302, ok", "400, invalid_argument", "401, unauthenticated",
      "404, not_found", "429, resource_exhausted", "500, internal_error", "503, unavailable"})
  void responseCodeMapsToSpanStatus(int code, String status) throws Exception {
    Transaction tx = tracer.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(code, get(client, remote.url("/status/" + code), Map.of()));
    }
    JsonNode span = onlyClientSpan(finishAndAwait(tx));
    assertEquals(status, span.path("status").asText());
    assertEquals(SpanStatus.fromHttpStatus(code).protocolName(), span.path("status").asText());
    assertEquals(code, span.path("data").path("http.response.status_code").asInt());
  }

  @Test
  void urlIsRecordedWithoutUserInfoOrSecrets() throws Exception {
    String url = "http://alice:hunter2pw@127.0.0.1:" + remote.port()
        + "/search?page=2&token=s3cr3tTokenValue&api_key=k3yValue123";
    Transaction tx = tracer.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(client, url, Map.of()));
    }
    JsonNode json = finishAndAwait(tx);
    JsonNode span = onlyClientSpan(json);
    assertEquals(remote.url("/search"), span.path("data").path("url").asText());
    String text = json.toString();
    for (String secret : List.of("hunter2pw", "alice", "s3cr3tTokenValue", "k3yValue123")) {
      assertFalse(text.contains(secret), secret + " leaked into " + text);
    }
    assertEquals("page=2&token=s3cr3tTokenValue&api_key=k3yValue123", remote.requestTo("/search").query(),
        "the request itself is sent unchanged");
  }

  @Test
  void propagatesOnlyToTracePropagationTargets() throws Exception {
    Tracer targeted = newTracer(options().setTracePropagationTargets(
        List.of("127.0.0.1:" + remote.port() + "/traced")));
    C targetedClient = newTrackedClient(targeted);
    Transaction tx = targeted.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(targetedClient, remote.url("/traced/a"), Map.of()));
      assertEquals(200, get(targetedClient, remote.url("/elsewhere"), Map.of()));
    }
    JsonNode json = finishAndAwait(tx);
    assertEquals(2, Traces.spans(json, "http.client").size(), "both requests are still traced");

    RecordedRequest traced = remote.requestTo("/traced/a");
    assertHeadersName(traced, tx.traceId(), spanIdIn(traced), true);
    assertNoTraceHeaders(remote.requestTo("/elsewhere"));
  }

  @Test
  void emptyTracePropagationTargetsSendNoHeaders() throws Exception {
    Tracer silent = newTracer(options().setTracePropagationTargets(List.of()));
    C silentClient = newTrackedClient(silent);
    Transaction tx = silent.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(silentClient, remote.url("/quiet"), Map.of()));
    }
    finishAndAwait(tx);
    assertNoTraceHeaders(remote.requestTo("/quiet"));
  }

  @Test
  void neverPropagatesToTheIngestUrl() throws Exception {
    Transaction tx = tracer.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(client, remote.url("/api/7/envelope/"), Map.of()));
      assertEquals(200, get(client, remote.url("/not-ingest"), Map.of()));
    }
    finishAndAwait(tx);
    assertNoTraceHeaders(remote.requestTo("/api/7/envelope/"));
    RecordedRequest other = remote.requestTo("/not-ingest");
    assertHeadersName(other, tx.traceId(), spanIdIn(other), true);
  }

  @Test
  void foreignBaggageIsKeptAndMerged() throws Exception {
    Transaction tx = tracer.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(client, remote.url("/baggage"), Map.of("baggage", "othervendor=abc,userId=42")));
    }
    finishAndAwait(tx);
    RecordedRequest r = remote.requestTo("/baggage");
    List<String> baggage = r.headers("baggage");
    assertEquals(1, baggage.size(), "one merged baggage header: " + baggage);
    String value = baggage.get(0);
    assertTrue(value.contains("othervendor=abc"), value);
    assertTrue(value.contains("userId=42"), value);
    assertTrue(value.contains("sentry-trace_id=" + tx.traceId()), value);
  }

  @Test
  void unsampledTraceIsPropagatedAsNotSampled() throws Exception {
    Tracer never = newTracer(options().setTracesSampleRate(0.0));
    C neverClient = newTrackedClient(never);
    Transaction tx = never.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(200, get(neverClient, remote.url("/unsampled"), Map.of()));
    }
    tx.finish();
    RecordedRequest r = remote.requestTo("/unsampled");
    Matcher m = matchHeader(r, "sentry-trace", SENTRY_TRACE);
    assertEquals(tx.traceId(), m.group(1));
    assertEquals("0", m.group(3), "the negative decision travels downstream");
    Matcher tp = matchHeader(r, "traceparent", TRACEPARENT);
    assertEquals(0, Integer.parseInt(tp.group(3), 16) & 1, "not sampled: " + tp.group(3));
    assertTrue(r.header("baggage").contains("sentry-sampled=false"), r.header("baggage"));
    assertTrue(transport.transactions().isEmpty(), "nothing is sent for an unsampled trace");
  }

  /**
   * Every outgoing call of an unsampled request names its own span: W3C and downstream services
   * that sample on their own must be able to tell the calls apart.
   */
  @Test
  void everyCallOfAnUnsampledRequestNamesItsOwnSpan() throws Exception {
    Tracer never = newTracer(options().setTracesSampleRate(0.0));
    C neverClient = newTrackedClient(never);
    Transaction tx = never.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      for (int i = 0; i < UNSAMPLED_CALLS; i++) {
        assertEquals(200, get(neverClient, remote.url("/unsampled-call?i=" + i), Map.of()));
      }
    }
    tx.finish();
    Set<String> fromSentryTrace = new HashSet<>();
    Set<String> fromTraceparent = new HashSet<>();
    for (RecordedRequest r : remote.requests()) {
      Matcher st = matchHeader(r, "sentry-trace", SENTRY_TRACE);
      Matcher tp = matchHeader(r, "traceparent", TRACEPARENT);
      assertEquals(tx.traceId(), st.group(1));
      assertEquals(tx.traceId(), tp.group(1));
      assertEquals(st.group(2), tp.group(2), "both headers name the same span: " + r);
      fromSentryTrace.add(st.group(2));
      fromTraceparent.add(tp.group(2));
    }
    assertEquals(UNSAMPLED_CALLS, remote.requests().size());
    assertEquals(UNSAMPLED_CALLS, fromSentryTrace.size(), "distinct parent ids in sentry-trace");
    assertEquals(UNSAMPLED_CALLS, fromTraceparent.size(), "distinct parent ids in traceparent");
    assertFalse(fromSentryTrace.contains(tx.spanId()), "no call names the transaction itself");
    assertTrue(transport.transactions().isEmpty(), "nothing is sent for an unsampled trace");
  }

  @Test
  void noCurrentSpanSendsTheRequestUntouched() throws Exception {
    assertEquals(200, get(client, remote.url("/bare"), Map.of()));
    assertNoTraceHeaders(remote.requestTo("/bare"));
    assertTrue(transport.transactions().isEmpty());
  }

  @Test
  void connectionRefusedFinishesTheSpanWithAnError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/refused";
    Transaction tx = tracer.startTransaction("parent", "test");
    try (Scope s = tx.makeCurrent()) {
      assertThrows(Exception.class, () -> get(client, url, Map.of()));
    }
    JsonNode span = onlyClientSpan(finishAndAwait(tx));
    assertEquals(tx.spanId(), span.path("parent_span_id").asText());
    SpanStatus status = SpanStatus.fromProtocolName(span.path("status").asText());
    assertTrue(status.isFailure(), "failure status expected, got " + status);
    assertEquals(url, span.path("data").path("url").asText());
    assertTrue(span.path("data").path("http.response.status_code").isMissingNode(),
        "no status code without a response: " + span);
  }

  // ---------------------------------------------------------------- the seed's bug

  /**
   * The Flox bug: headers computed when the client was built. A client built while span A is
   * current must, for a request sent under span B, send B's headers, and A's again under A.
   */
  @Test
  void headersComeFromTheSpanCurrentAtSendTimeNotAtBuildTime() throws Exception {
    Transaction a = tracer.startTransaction("A", "test");
    C builtUnderA;
    try (Scope s = a.makeCurrent()) {
      builtUnderA = newTrackedClient(tracer);
    }
    Transaction b = tracer.startTransaction("B", "test");
    try (Scope s = b.makeCurrent()) {
      assertEquals(200, get(builtUnderA, remote.url("/under-b"), Map.of()));
    }
    try (Scope s = a.makeCurrent()) {
      assertEquals(200, get(builtUnderA, remote.url("/under-a"), Map.of()));
    }
    JsonNode bJson = finishAndAwait(b);
    JsonNode aJson = finishAndAwait(a);
    assertFalse(a.traceId().equals(b.traceId()));

    JsonNode bSpan = onlyClientSpan(bJson);
    assertEquals(b.spanId(), bSpan.path("parent_span_id").asText());
    assertHeadersName(remote.requestTo("/under-b"), b.traceId(), bSpan.path("span_id").asText(), true);

    JsonNode aSpan = onlyClientSpan(aJson);
    assertEquals(a.spanId(), aSpan.path("parent_span_id").asText());
    assertHeadersName(remote.requestTo("/under-a"), a.traceId(), aSpan.path("span_id").asText(), true);
  }

  @Test
  void asyncRequestIsAChildOfTheSpanCurrentWhenItStarts() throws Exception {
    assumeTrue(supportsAsync(), "the client has no asynchronous API");
    Transaction a = tracer.startTransaction("A", "test");
    C builtUnderA;
    try (Scope s = a.makeCurrent()) {
      builtUnderA = newTrackedClient(tracer);
    }
    Transaction b = tracer.startTransaction("B", "test");
    CompletionStage<Integer> pending;
    try (Scope s = b.makeCurrent()) {
      pending = getAsync(builtUnderA, remote.url("/async-b"), Map.of());
    }
    assertEquals(200, pending.toCompletableFuture().get(30, TimeUnit.SECONDS));
    a.finish();
    JsonNode span = onlyClientSpan(finishAndAwait(b));
    assertEquals(b.spanId(), span.path("parent_span_id").asText());
    assertEquals("ok", span.path("status").asText(), "the span is finished when the stage completes");
    assertEquals(200, span.path("data").path("http.response.status_code").asInt());
    assertHeadersName(remote.requestTo("/async-b"), b.traceId(), span.path("span_id").asText(), true);
  }

  @Test
  void asyncFailureFinishesTheSpanWithAnError() throws Exception {
    assumeTrue(supportsAsync(), "the client has no asynchronous API");
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Transaction tx = tracer.startTransaction("parent", "test");
    CompletionStage<Integer> pending;
    try (Scope s = tx.makeCurrent()) {
      pending = getAsync(client, "http://127.0.0.1:" + closedPort + "/refused", Map.of());
    }
    CompletableFuture<Integer> f = pending.toCompletableFuture();
    assertThrows(Exception.class, () -> f.get(30, TimeUnit.SECONDS));
    JsonNode span = onlyClientSpan(finishAndAwait(tx));
    assertTrue(SpanStatus.fromProtocolName(span.path("status").asText()).isFailure(), span.toString());
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentRequestsFromPlatformThreads() throws Exception {
    Transaction root = tracer.startTransaction("root", "test");
    Span[] work = new Span[CONCURRENT_REQUESTS];
    Throwable[] failures = new Throwable[CONCURRENT_REQUESTS];
    Thread[] threads = new Thread[CONCURRENT_REQUESTS];
    for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
      int n = i;
      threads[i] = new Thread(() -> {
        work[n] = root.startChild("work", "work-" + n);
        try (Scope s = work[n].makeCurrent()) {
          get(client, remote.url("/concurrent?i=" + n), Map.of());
        } catch (Throwable e) {
          failures[n] = e;
        } finally {
          work[n].finish();
        }
      }, "client-test-" + i);
      threads[i].start();
    }
    for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(50));
    for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
      if (failures[i] != null) throw new AssertionError("request " + i + " failed", failures[i]);
    }
    assertEveryRequestNamesItsOwnSpan(root);
  }

  @Test
  void concurrentRequestsFromAWrappedExecutor() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      runUnderWorkSpans(tracer.wrap(pool));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRequestsFromVirtualThreads() throws Exception {
    ExecutorService virtual;
    try {
      virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      assumeTrue(false, "virtual threads need Java 21+, running on " + Runtime.version());
      return;
    }
    try {
      runUnderWorkSpans(tracer.wrap(virtual));
    } finally {
      virtual.shutdownNow();
    }
  }

  @Test
  void concurrentRequestsFromCompletableFutureChains() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      Transaction root = tracer.startTransaction("root", "test");
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      Span[] work = new Span[CONCURRENT_REQUESTS];
      for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
        int n = i;
        work[n] = root.startChild("work", "work-" + n);
        try (Scope s = work[n].makeCurrent()) {
          Executor bound = tracer.contextExecutor(pool);
          futures.add(CompletableFuture.supplyAsync(() -> remote.url("/concurrent?i=" + n), bound)
              .thenApplyAsync(url -> url, bound)
              .thenApplyAsync(url -> unchecked(() -> get(client, url, Map.of())), bound));
        }
      }
      awaitAll(futures);
      for (Span w : work) w.finish();
      assertEveryRequestNamesItsOwnSpan(root);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentAsyncRequestsInCompletableFutureChains() throws Exception {
    assumeTrue(supportsAsync(), "the client has no asynchronous API");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      Transaction root = tracer.startTransaction("root", "test");
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      Span[] work = new Span[CONCURRENT_REQUESTS];
      for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
        int n = i;
        work[n] = root.startChild("work", "work-" + n);
        try (Scope s = work[n].makeCurrent()) {
          Executor bound = tracer.contextExecutor(pool);
          futures.add(CompletableFuture.supplyAsync(() -> remote.url("/concurrent?i=" + n), bound)
              .thenCompose(url -> unchecked(() -> getAsync(client, url, Map.of())))
              .toCompletableFuture());
        }
      }
      awaitAll(futures);
      for (Span w : work) w.finish();
      assertEveryRequestNamesItsOwnSpan(root);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Under {@code work-i} (current on the test thread), submits request {@code i} to {@code executor}. */
  private void runUnderWorkSpans(ExecutorService executor) throws Exception {
    Transaction root = tracer.startTransaction("root", "test");
    Span[] work = new Span[CONCURRENT_REQUESTS];
    List<Future<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
      int n = i;
      work[n] = root.startChild("work", "work-" + n);
      try (Scope s = work[n].makeCurrent()) {
        futures.add(executor.submit(() -> get(client, remote.url("/concurrent?i=" + n), Map.of())));
      }
    }
    for (Future<Integer> f : futures) assertEquals(200, f.get(50, TimeUnit.SECONDS));
    for (Span w : work) w.finish();
    assertEveryRequestNamesItsOwnSpan(root);
  }

  /**
   * Request {@code i}'s headers name an {@code http.client} span whose parent is {@code work-i},
   * and there is exactly one {@code http.client} span per request.
   */
  private void assertEveryRequestNamesItsOwnSpan(Transaction root) {
    JsonNode json = finishAndAwait(root);
    assertEquals(CONCURRENT_REQUESTS, Traces.spans(json, "http.client").size(),
        "one http.client span per request");
    Map<String, RecordedRequest> byIndex = new HashMap<>();
    for (RecordedRequest r : remote.requests()) {
      if (r.path().equals("/concurrent")) byIndex.put(r.query(), r);
    }
    assertEquals(CONCURRENT_REQUESTS, byIndex.size());
    for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
      RecordedRequest r = byIndex.get("i=" + i);
      assertNotNull(r, "request " + i);
      String spanId = spanIdIn(r);
      assertHeadersName(r, root.traceId(), spanId, true);
      JsonNode clientSpan = Traces.span(json, spanId);
      assertNotNull(clientSpan, "request " + i + " names span " + spanId + " which was not recorded");
      assertEquals("http.client", clientSpan.path("op").asText());
      JsonNode parent = Traces.span(json, clientSpan.path("parent_span_id").asText());
      assertNotNull(parent, "parent of request " + i + "'s span");
      assertEquals("work-" + i, parent.path("description").asText(),
          "request " + i + " must be a child of its own work span");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Finishes {@code tx} and returns its transaction event as sent. */
  protected JsonNode finishAndAwait(Transaction tx) {
    tx.finish();
    return transport.awaitTransactionOfSpan(tx.spanId());
  }

  /** The single {@code http.client} span of a transaction. */
  protected static JsonNode onlyClientSpan(JsonNode transaction) {
    List<JsonNode> spans = Traces.spans(transaction, "http.client");
    assertEquals(1, spans.size(), "one http.client span expected: " + transaction);
    return spans.get(0);
  }

  /** The span id named by the request's {@code sentry-trace} header. */
  protected static String spanIdIn(RecordedRequest r) {
    return matchHeader(r, "sentry-trace", SENTRY_TRACE).group(2);
  }

  /** Asserts that {@code sentry-trace}, {@code traceparent} and {@code baggage} name this trace and span. */
  protected static void assertHeadersName(RecordedRequest r, String traceId, String spanId, boolean sampled) {
    Matcher st = matchHeader(r, "sentry-trace", SENTRY_TRACE);
    assertEquals(traceId, st.group(1), "sentry-trace trace id of " + r);
    assertEquals(spanId, st.group(2), "sentry-trace span id of " + r);
    assertEquals(sampled ? "1" : "0", st.group(3), "sentry-trace sampled flag of " + r);
    Matcher tp = matchHeader(r, "traceparent", TRACEPARENT);
    assertEquals(traceId, tp.group(1), "traceparent trace id of " + r);
    assertEquals(spanId, tp.group(2), "traceparent parent id of " + r);
    // bit 0 is the decision; bit 1 (W3C Level 2 "random trace id") may be set as well
    assertEquals(sampled ? 1 : 0, Integer.parseInt(tp.group(3), 16) & 1, "traceparent flags of " + r);
    String baggage = r.header("baggage");
    assertNotNull(baggage, "baggage of " + r);
    assertTrue(baggage.contains("sentry-trace_id=" + traceId), baggage);
    assertTrue(baggage.contains("sentry-public_key=" + PUBLIC_KEY), baggage);
  }

  /** Asserts that the request carries none of the trace headers. */
  protected static void assertNoTraceHeaders(RecordedRequest r) {
    assertNull(r.header("sentry-trace"), "sentry-trace sent to " + r.path());
    assertNull(r.header("traceparent"), "traceparent sent to " + r.path());
    assertNull(r.header("baggage"), "baggage sent to " + r.path());
  }

  private static Matcher matchHeader(RecordedRequest r, String name, Pattern pattern) {
    String value = r.header(name);
    if (value == null) fail(name + " missing in " + r);
    Matcher m = pattern.matcher(value);
    if (!m.matches()) fail(name + " malformed: " + value);
    return m;
  }

  private static <T> void awaitAll(List<CompletableFuture<T>> futures) throws Exception {
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(50, TimeUnit.SECONDS);
  }

  /** A call that may throw, for lambdas. */
  @FunctionalInterface
  protected interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  /** Runs {@code call}, rethrowing checked exceptions wrapped in {@link CompletionException}. */
  protected static <T> T unchecked(ThrowingSupplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
