package dev.spindle.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.instrumentation.tests.CapturingTransport;
import dev.spindle.instrumentation.tests.RecordingServer;
import dev.spindle.instrumentation.tests.StrictScopesExtension;
import dev.spindle.instrumentation.tests.Traces;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the shared suite does not cover: when the parent is captured, and the factory's contract. */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracingCallFactoryTest {
  RecordingServer remote;
  CapturingTransport transport;
  Tracer tracer;
  OkHttpClient client;
  TracingCallFactory calls;

  @BeforeEach
  void setUp() throws IOException {
    remote = RecordingServer.start();
    transport = new CapturingTransport();
    tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport));
    client = new OkHttpClient.Builder().addInterceptor(TracingInterceptor.create(tracer)).build();
    calls = TracingCallFactory.create(client);
  }

  @AfterEach
  void tearDown() {
    client.dispatcher().executorService().shutdownNow();
    client.connectionPool().evictAll();
    tracer.close();
    remote.close();
  }

  static CompletableFuture<Integer> enqueue(Call call, List<Call> seenByCallback) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        f.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        seenByCallback.add(c);
        response.close();
        f.complete(response.code());
      }
    });
    return f;
  }

  @Test
  void enqueuedCallUsesTheSpanCurrentAtEnqueueNotAtNewCall() throws Exception {
    Transaction a = tracer.startTransaction("A", "test");
    Transaction b = tracer.startTransaction("B", "test");
    Call call;
    try (Scope s = a.makeCurrent()) {
      call = calls.newCall(new Request.Builder().url(remote.url("/late")).build());
    }
    List<Call> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Integer> done;
    try (Scope s = b.makeCurrent()) {
      done = enqueue(call, seen);
    }
    assertEquals(200, done.get(20, TimeUnit.SECONDS));
    assertSame(call, seen.get(0), "the callback sees the caller's call object");
    a.finish();
    b.finish();
    JsonNode bJson = transport.awaitTransactionOfSpan(b.spanId());
    JsonNode span = Traces.spans(bJson, "http.client").get(0);
    assertEquals(b.spanId(), span.path("parent_span_id").asText());
    assertTrue(remote.requestTo("/late").header("sentry-trace").startsWith(b.traceId() + "-"));
    JsonNode aJson = transport.awaitTransactionOfSpan(a.spanId());
    assertTrue(Traces.spans(aJson, "http.client").isEmpty());
  }

  @Test
  void cloneIsAFreshCallWithItsOwnParent() throws Exception {
    Transaction a = tracer.startTransaction("A", "test");
    Transaction b = tracer.startTransaction("B", "test");
    Call first = calls.newCall(new Request.Builder().url(remote.url("/first")).build());
    try (Scope s = a.makeCurrent(); Response r = first.execute()) {
      assertEquals(200, r.code());
    }
    Call second = first.clone();
    assertNotSame(first, second);
    assertTrue(first.isExecuted());
    assertTrue(!second.isExecuted());
    try (Scope s = b.makeCurrent(); Response r = second.execute()) {
      assertEquals(200, r.code());
    }
    a.finish();
    b.finish();
    JsonNode bSpan = Traces.spans(transport.awaitTransactionOfSpan(b.spanId()), "http.client").get(0);
    assertEquals(b.spanId(), bSpan.path("parent_span_id").asText());
    JsonNode aSpan = Traces.spans(transport.awaitTransactionOfSpan(a.spanId()), "http.client").get(0);
    assertEquals(a.spanId(), aSpan.path("parent_span_id").asText());
    assertNotEquals(aSpan.path("span_id").asText(), bSpan.path("span_id").asText());
  }

  @Test
  void requestsKeepTheirOwnTagsAndHeaders() throws Exception {
    Transaction tx = tracer.startTransaction("tx", "test");
    Request request = new Request.Builder().url(remote.url("/tagged")).tag(String.class, "mine")
        .header("X-Custom", "1").build();
    try (Scope s = tx.makeCurrent(); Response r = calls.newCall(request).execute()) {
      assertEquals("mine", r.request().tag(String.class));
    }
    tx.finish();
    assertEquals("1", remote.requestTo("/tagged").header("x-custom"));
  }

  @Test
  void aClientWithoutTheInterceptorIsRejected() {
    OkHttpClient plain = new OkHttpClient();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TracingCallFactory.create(plain));
    assertTrue(e.getMessage().startsWith("client:"), e.getMessage());
    assertThrows(NullPointerException.class, () -> TracingInterceptor.create(null));
  }

  @Test
  void interceptorAloneTracesExecuteOnTheCallersThread() throws Exception {
    Transaction tx = tracer.startTransaction("tx", "test");
    try (Scope s = tx.makeCurrent();
        Response r = client.newCall(new Request.Builder().url(remote.url("/plain")).build()).execute()) {
      assertEquals(200, r.code());
    }
    JsonNode json = finish(tx);
    assertEquals(tx.spanId(), Traces.spans(json, "http.client").get(0).path("parent_span_id").asText());
  }

  @Test
  void defaultInterceptorFollowsTheGlobalTracer() throws Exception {
    OkHttpClient global = new OkHttpClient.Builder().addInterceptor(TracingInterceptor.create()).build();
    try (Response r = global.newCall(new Request.Builder().url(remote.url("/global")).build()).execute()) {
      assertEquals(200, r.code());
    } finally {
      global.dispatcher().executorService().shutdownNow();
    }
    assertNull(remote.requestTo("/global").header("sentry-trace"), "nothing current, nothing sent");
  }

  private JsonNode finish(Transaction tx) {
    tx.finish();
    return transport.awaitTransactionOfSpan(tx.spanId());
  }
}
