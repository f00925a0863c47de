package dev.spindle.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.propagation.IncomingTrace;
import dev.spindle.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Spindle fixtures do the work the benchmarks claim: no speed is measured here. */
@Timeout(30)
class SpindleBenchmarkTest {
  final SpindleBenchmark bench = new SpindleBenchmark();

  @Test
  void childSpanRotatesTheParentEveryFiveHundredChildren() {
    SpindleBenchmark.ParentFixture f = new SpindleBenchmark.ParentFixture();
    f.setUp();
    for (int i = 0; i < 2 * Fixtures.CHILDREN_PER_PARENT; i++) bench.childSpan(f);
    assertEquals(2, f.transport.envelopes);
    assertEquals(0, f.transport.bytes, "nothing serialized on the finishing thread");
    assertEquals(Fixtures.CHILDREN_PER_PARENT, children(f.transport.last));
    for (int i = 0; i < 3; i++) bench.childSpanOfCurrent(f);
    f.tearDown();
    assertEquals(3, f.transport.envelopes);
    assertEquals(3, children(f.transport.last), "children of the current span join the parent");
    assertEquals(0, f.transport.lostEvents, "no child was dropped");
  }

  @Test
  void transactionWith10ChildrenSerializesEachTransaction() {
    SpindleBenchmark.SerializingFixture f = new SpindleBenchmark.SerializingFixture();
    f.setUp();
    long[] sizes = new long[3];
    for (int i = 0; i < 3; i++) {
      bench.transactionWith10Children(f);
      assertEquals(i + 1, f.transport.envelopes, "sent when it finished");
      assertNotNull(f.transport.lastBytes, "serialized in send, on the finishing thread");
      // The bytes the transport wrote (not the envelope produced afterwards) hold the children.
      Envelope written = Envelope.parse(f.transport.lastBytes);
      assertEquals("transaction", written.items().get(0).type());
      assertEquals(Fixtures.CHILDREN_PER_TRANSACTION, children(written));
      sizes[i] = f.transport.lastBytes.length;
    }
    f.tearDown();
    assertEquals(3, f.transport.envelopes);
    assertEquals(sizes[0] + sizes[1] + sizes[2], f.transport.bytes, "every envelope serialized");
  }

  @Test
  void injectExtractReadsBackTheCurrentSpan() {
    SpindleBenchmark.PropagationFixture f = new SpindleBenchmark.PropagationFixture();
    f.setUp();
    IncomingTrace in = bench.injectExtract(f);
    assertNotNull(in);
    assertEquals(f.current.traceId(), in.traceId());
    assertEquals(f.current.spanId(), in.parentSpanId());
    assertEquals(Boolean.TRUE, in.sampled());
    assertNotNull(in.dsc(), "the baggage travelled too");
    f.tearDown();
  }

  @Test
  void injectExtractW3cWritesAndReadsOnlyTraceContext() {
    SpindleBenchmark.W3cFixture f = new SpindleBenchmark.W3cFixture();
    f.setUp();
    assertEquals(Set.of("traceparent", "tracestate"), injected(f).keySet());
    IncomingTrace in = bench.injectExtractW3c(f);
    assertEquals(Fixtures.UPSTREAM_TRACEPARENT.substring(3, 35), in.traceId());
    assertReadsBackTheCurrentSpan(f, in);
    assertEquals(Fixtures.UPSTREAM_TRACESTATE, in.tracestate());
    f.tearDown();
  }

  @Test
  void injectExtractSentryHeadersWritesAndReadsOnlySentryTraceAndBaggage() {
    SpindleBenchmark.SentryHeadersFixture f = new SpindleBenchmark.SentryHeadersFixture();
    f.setUp();
    assertEquals(Set.of("sentry-trace", "baggage"), injected(f).keySet());
    IncomingTrace in = bench.injectExtractSentryHeaders(f);
    assertEquals(f.current.traceId(), in.traceId());
    assertReadsBackTheCurrentSpan(f, in);
    assertNotNull(in.dsc(), "the baggage travelled too");
    f.tearDown();
  }

  /** What the fixture's tracer injects for its current span through plain {@code Map.put}. */
  static Map<String, String> injected(SpindleBenchmark.PropagationFixture f) {
    Map<String, String> headers = new HashMap<>();
    f.tracer.inject(f.tracer.currentSpan(), headers, Map::put);
    return headers;
  }

  static void assertReadsBackTheCurrentSpan(SpindleBenchmark.PropagationFixture f, IncomingTrace in) {
    assertEquals(f.current.spanId(), in.parentSpanId());
    assertEquals(Boolean.TRUE, in.sampled());
  }

  @Test
  void unsampledBenchmarksSendNothingButPropagate() {
    SpindleBenchmark.UnsampledFixture f = new SpindleBenchmark.UnsampledFixture();
    f.setUp();
    assertEquals(Boolean.FALSE, bench.unsampledChildSpan(f).sampled());
    Map<String, String> headers = bench.unsampledOutgoingCall(f);
    assertTrue(headers.get("sentry-trace").startsWith(f.current.traceId()), headers.toString());
    assertTrue(headers.get("sentry-trace").endsWith("-0"), headers.toString());
    f.tearDown();
    assertEquals(0, f.transport.envelopes, "an unsampled transaction is never sent");
  }

  /** Child spans in a transaction envelope: each carries the child description once. */
  static int children(Envelope envelope) {
    assertNotNull(envelope);
    String json = new String(envelope.items().get(0).payload(), StandardCharsets.UTF_8);
    int n = 0;
    for (int i = json.indexOf(Fixtures.CHILD_DESCRIPTION); i >= 0;
        i = json.indexOf(Fixtures.CHILD_DESCRIPTION, i + 1)) {
      n++;
    }
    return n;
  }
}
