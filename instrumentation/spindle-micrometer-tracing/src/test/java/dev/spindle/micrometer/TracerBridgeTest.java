package dev.spindle.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Scope;
import dev.spindle.SpindleOptions;
import dev.spindle.Transaction;
import dev.spindle.testing.InMemoryTransport;
import dev.spindle.testing.SentTransaction;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.ScopedSpan;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Micrometer Tracing API itself, called directly, on a Spindle tracer. */
class TracerBridgeTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER = "00f067aa0ba902b7";

  private final InMemoryTransport transport = new InMemoryTransport();
  private final dev.spindle.Tracer spindle = dev.spindle.Tracer.create(new SpindleOptions()
      .setDsn("http://public@127.0.0.1:9/7").setTracesSampleRate(1.0).setTransport(transport));
  private final Tracer tracer = SpindleMicrometerTracer.create(spindle);
  private final Propagator propagator = SpindlePropagator.create((SpindleMicrometerTracer) tracer);

  @AfterEach
  void close() {
    spindle.close();
  }

  @Test
  void aSpanWithoutParentIsATransactionAndSpansInItsScopeAreItsChildren() {
    assertNull(tracer.currentSpan());
    Span root = tracer.nextSpan().name("batch").start();
    try (Tracer.SpanInScope ignored = tracer.withSpan(root)) {
      assertEquals(root, tracer.currentSpan());
      assertEquals(root.context(), tracer.currentTraceContext().context());
      Span child = tracer.nextSpan().name("step").tag("rows", 3L).start();
      assertEquals(root.context().spanId(), child.context().parentId());
      assertEquals(root.context().traceId(), child.context().traceId());
      assertTrue(child.context().sampled());
      child.end();
      try (Tracer.SpanInScope none = tracer.withSpan(null)) {
        assertNull(tracer.currentSpan(), "withSpan(null) hides the current span");
      }
      assertEquals(root, tracer.currentSpan());
    }
    assertNull(tracer.currentSpan());
    root.end();

    SentTransaction tx = transport.awaitTransactions(1).get(0);
    assertEquals("batch", tx.name());
    assertEquals(root.context().spanId(), tx.spanId());
    assertEquals("3", tx.span("step").data().get("rows"));
  }

  @Test
  void spansOfSpindlesOwnIntegrationsAreCurrentForMicrometerAndTheOtherWayRound() {
    Transaction tx = spindle.startTransaction("GET /orders", "http.server");
    try (Scope ignored = tx.makeCurrent()) {
      Span current = tracer.currentSpan();
      assertEquals(tx.spanId(), current.context().spanId());
      Span child = tracer.nextSpan().name("load").start();
      try (Tracer.SpanInScope inScope = tracer.withSpan(child)) {
        assertEquals(child.context().spanId(), spindle.currentSpan().spanId());
      }
      child.end();
    }
    tx.finish();
    assertEquals(tx.spanId(), transport.awaitTransactions(1).get(0).span("load").parentSpanId());
  }

  /** Spindle spans have neither: both are dropped, the span is otherwise sent as it would be. */
  @Test
  void eventsAndLinksAreDroppedWithoutChangingTheSpan() {
    Span other = tracer.nextSpan().name("other").start();
    other.end();
    Span batch = tracer.spanBuilder().name("batch").event("queued").addLink(new Link(other.context()))
        .start();
    Span step = tracer.nextSpan(batch).name("step").start();
    step.event("cache.miss").event("retry", System.currentTimeMillis(), TimeUnit.MILLISECONDS).end();
    batch.event("done").end();

    List<SentTransaction> sent = transport.awaitTransactions(2);
    SentTransaction tx = sent.stream().filter(t -> t.name().equals("batch")).findFirst().orElseThrow();
    assertEquals(batch.context().traceId(), tx.traceId());
    assertEquals(tx.spanId(), tx.span("step").parentSpanId());
    String json = tx.json().toString();
    for (String dropped : List.of("queued", "cache.miss", "retry", "done", other.context().spanId())) {
      assertFalse(json.contains(dropped), dropped + " in " + json);
    }
  }

  @Test
  void setNoParentStartsANewTraceUnderACurrentSpan() {
    ScopedSpan outer = tracer.startScopedSpan("outer");
    Span detached = tracer.spanBuilder().setNoParent().name("detached").start();
    assertNotEquals(outer.context().traceId(), detached.context().traceId());
    detached.end();
    outer.end();
    assertNull(tracer.currentSpan());
    assertEquals(2, transport.awaitTransactions(2).size());
  }

  @Test
  void aContextBuiltFromIdsIsContinuedByATransaction() {
    TraceContext remote = tracer.traceContextBuilder().traceId(TRACE).spanId(CALLER).sampled(true).build();
    assertEquals(TRACE, remote.traceId());
    assertEquals(CALLER, remote.spanId());
    Span server = tracer.spanBuilder().setParent(remote).kind(Span.Kind.SERVER).name("work")
        .startTimestamp(Instant.now().minusSeconds(2).toEpochMilli(), TimeUnit.MILLISECONDS).start();
    server.end();
    SentTransaction tx = transport.awaitTransactions(1).get(0);
    assertEquals(TRACE, tx.traceId());
    assertEquals(CALLER, tx.parentSpanId());
    assertTrue(tx.duration().toMillis() >= 1900, "started at the timestamp given: " + tx.duration());

    assertSame(TraceContext.NOOP, tracer.traceContextBuilder().traceId("nope").spanId(CALLER).build());
  }

  @Test
  void propagatorRoundTripsThroughTheSdksHeaders() {
    assertEquals(List.of("sentry-trace", "baggage", "traceparent", "tracestate"), propagator.fields());
    Span client = tracer.spanBuilder().kind(Span.Kind.CLIENT).start();
    Map<String, String> headers = new HashMap<>();
    propagator.inject(client.context(), headers, Map::put);
    client.end();

    Span.Builder extracted = propagator.extract(headers, Map::get);
    Span server = extracted.kind(Span.Kind.SERVER).start();
    assertEquals(client.context().traceId(), server.context().traceId());
    assertEquals(client.context().spanId(), server.context().parentId());
    server.end();
  }

  @Test
  void theCallersBaggageIsReadableInTheTransactionContinuingItAndNothingElseIsKept() {
    Map<String, String> headers = Map.of("sentry-trace", TRACE + "-" + CALLER + "-1",
        "baggage", "tenant=blue%20team,sentry-trace_id=" + TRACE);
    Span server = propagator.extract(headers, Map::get).kind(Span.Kind.SERVER).start();
    try (Tracer.SpanInScope ignored = tracer.withSpan(server)) {
      assertEquals("blue team", tracer.getBaggage("tenant").get());
      assertEquals("blue team", tracer.getAllBaggage().get("tenant"));
      Span child = tracer.nextSpan().start();
      assertEquals("blue team", tracer.getBaggage(child.context(), "tenant").get());
      child.end();
      assertNull(tracer.getBaggage("absent").get());
      try (BaggageInScope b = tracer.createBaggageInScope("user", "42")) {
        assertNull(b.get(), "baggage cannot be set");
        assertNull(tracer.getBaggage("user").get());
      }
    }
    server.end();
    assertTrue(tracer.getAllBaggage(server.context()).isEmpty(), "forgotten when the transaction ended");
    assertTrue(tracer.getAllBaggage().isEmpty());
  }

  @Test
  void wrappedTasksRunWithTheContextCurrentWhenWrapped() throws Exception {
    ExecutorService pool = tracer.currentTraceContext().wrap(Executors.newSingleThreadExecutor());
    try {
      ScopedSpan span = tracer.startScopedSpan("submit");
      CompletableFuture<String> seen = new CompletableFuture<>();
      pool.execute(() -> seen.complete(tracer.currentSpan() == null ? null : tracer.currentSpan().context().spanId()));
      assertEquals(span.context().spanId(), seen.get(10, TimeUnit.SECONDS));
      Runnable wrapped = tracer.currentTraceContext().wrap(() -> seen.obtrudeValue(tracer.currentSpan().context().spanId()));
      span.end();
      wrapped.run();
      assertEquals(span.context().spanId(), seen.get());
      assertNull(tracer.currentSpan());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void abandonedAndErroredSpans() {
    Span root = tracer.nextSpan().name("root").start();
    try (Tracer.SpanInScope ignored = tracer.withSpan(root)) {
      tracer.nextSpan().name("never started").abandon();
      Span cancelled = tracer.nextSpan().name("cancelled").start();
      cancelled.abandon();
      tracer.nextSpan().name("failed").start().error(new IllegalArgumentException("x")).end();
    }
    root.end();
    SentTransaction tx = transport.awaitTransactions(1).get(0);
    assertEquals(2, tx.spans().size(), "an unstarted abandoned span sends nothing: " + tx.spans());
    assertEquals("cancelled", tx.span("cancelled").status());
    assertEquals("internal_error", tx.span("failed").status());
    assertFalse(tracer.nextSpan().isNoop());
  }
}
