package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.propagation.Propagation;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two tracers in one JVM keep their own current span: neither sees nor propagates the other's. */
@ExtendWith(StrictScopesExtension.class)
@Timeout(30)
class TwoTracersTest {
  final Tracer a = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(new CapturingTransport()));
  final Tracer b = Tracer.create(new SpindleOptions().setTracesSampleRate(0.0).setTransport(new CapturingTransport()));
  final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    a.close();
    b.close();
  }

  @Test
  void interleavedScopesStayWithTheirTracerAndEachInjectsItsOwnTrace() throws Exception {
    Transaction txA = a.startTransaction("a", "http.server");
    Transaction txB = b.startTransaction("b", "http.server");
    try (Scope sa = txA.makeCurrent()) {
      assertSame(txA, a.currentSpan());
      assertFalse(b.currentSpan().isRecording());
      assertEquals(NoopSpan.INVALID_SPAN_ID, b.currentSpan().spanId(), "b sees nothing of a");
      try (Scope sb = txB.makeCurrent()) {
        Span childA = a.currentSpan().startChild("http.client");
        Span childB = b.currentSpan().startChild("http.client");
        try (Scope ca = childA.makeCurrent(); Scope cb = childB.makeCurrent()) {
          assertSame(childA, a.currentSpan());
          assertSame(childB, b.currentSpan());
          assertHeaders(a, childA, txA.traceId(), "-1");
          assertHeaders(b, childB, txB.traceId(), "-0");
          // a child of b's started under a's current span belongs to a only
          Span fromA = a.currentSpan().startChild("db.query");
          assertEquals(txA.traceId(), fromA.traceId());
          fromA.finish();
        }
        assertSame(txA, a.currentSpan());
        assertSame(txB, b.currentSpan());
        childA.finish();
        childB.finish();
      }
      assertSame(txA, a.currentSpan());
      assertFalse(b.currentSpan().isRecording());
    }
    assertFalse(a.currentSpan().isRecording());
    txA.finish();
    txB.finish();
  }

  @Test
  void wrappersCarryTheirOwnTracersSpan() throws Exception {
    Transaction txA = a.startTransaction("a", "task");
    Transaction txB = b.startTransaction("b", "task");
    ExecutorService wrappedA = a.wrap(pool);
    try (Scope sa = txA.makeCurrent(); Scope sb = txB.makeCurrent()) {
      assertSame(txA, wrappedA.submit(a::currentSpan).get());
      assertFalse(wrappedA.submit(b::currentSpan).get().isRecording(), "a's wrapper carries a's span only");
      assertSame(txB, pool.submit(b.wrap(() -> b.currentSpan())).get());
      ExecutorService wrappedAB = b.wrap(wrappedA);
      assertNotSame(wrappedA, wrappedAB, "b wraps a's wrapper");
      assertSame(wrappedAB, b.wrap(wrappedAB), "but not its own twice");
      assertSame(txB, wrappedAB.submit(b::currentSpan).get());
      assertSame(txA, wrappedAB.submit(a::currentSpan).get());
    }
    txA.finish();
    txB.finish();
  }

  @Test
  void aTracersNoopSpanHidesThatTracersSpanOnly() {
    Transaction txA = a.startTransaction("a", "task");
    Transaction txB = b.startTransaction("b", "task");
    try (Scope sa = txA.makeCurrent(); Scope sb = txB.makeCurrent()) {
      try (Scope hidden = a.noopSpan().makeCurrent()) {
        assertTrue(a.currentSpan().isNoop());
        assertSame(txB, b.currentSpan());
      }
      assertSame(txA, a.currentSpan());
    }
    txA.finish();
    txB.finish();
  }

  private static void assertHeaders(Tracer tracer, Span span, String traceId, String sampledSuffix) {
    Map<String, String> headers = new HashMap<>();
    tracer.inject(span, headers, Propagation.mapSetter());
    assertEquals(traceId + "-" + span.spanId() + sampledSuffix, headers.get("sentry-trace"));
    assertEquals(traceId, headers.get("baggage").replaceAll(".*sentry-trace_id=([0-9a-f]{32}).*", "$1"));
  }
}
