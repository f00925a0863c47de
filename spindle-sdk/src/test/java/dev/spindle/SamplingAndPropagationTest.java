package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.propagation.Baggage;
import dev.spindle.propagation.IncomingTrace;
import dev.spindle.propagation.Propagation;
import dev.spindle.transport.DiscardReason;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StrictScopesExtension.class)
@Timeout(30)
class SamplingAndPropagationTest {
  static final String TRACE = "771a43a4192642f0b136d5159a501700";
  static final String PARENT = "b0e6f15b45c36b12";

  final CapturingTransport transport = new CapturingTransport();
  Tracer tracer;

  Tracer tracer(SpindleOptions options) {
    if (tracer != null) tracer.close();
    tracer = Tracer.create(options.setTransport(transport).setDsn("http://pubkey@127.0.0.1:8790/1")
        .setRelease("web@2").setEnvironment("prod"));
    return tracer;
  }

  @AfterEach
  void close() {
    if (tracer != null) tracer.close();
  }

  static Map<String, String> headers(String... kv) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  Transaction continueFrom(Map<String, String> headers) {
    return tracer.continueTrace(headers, Propagation.mapGetter(), "GET /orders", "http.server",
        TransactionSource.ROUTE);
  }

  Map<String, String> outgoing(Span span) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    tracer.inject(span, out, Propagation.mapSetter());
    return out;
  }

  @Test
  void traceHeadersThatCannotBeReadAreCountedAsRejected() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    Transaction fresh = continueFrom(headers("sentry-trace", "not-a-trace-header"));
    assertNull(fresh.parentSpanId(), "a new trace starts in its place");
    continueFrom(headers("traceparent", "00-00000000000000000000000000000000-0000000000000000-01"));
    assertEquals(2, transport.lost(DiscardReason.INVALID_TRACE_HEADERS, DiscardReason.TRACE_CONTEXT));
    continueFrom(headers());
    continueFrom(headers("sentry-trace", "771a43a4192642f0b136d5159a501700-b0e6f15b45c36b12-1"));
    assertEquals(2, transport.lost(DiscardReason.INVALID_TRACE_HEADERS, DiscardReason.TRACE_CONTEXT),
        "no headers, or readable ones, are no rejection");
  }

  @Test
  void rateOneSamplesAndRateZeroSendsNothingButPropagatesTheDecision() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    Transaction yes = tracer.startTransaction("a", "task");
    assertTrue(yes.isRecording());
    assertEquals(1.0, yes.sampleRate());
    yes.finish();
    assertEquals(1, transport.transactions().size());

    tracer(new SpindleOptions().setTracesSampleRate(0.0));
    Transaction no = tracer.startTransaction("b", "task");
    assertFalse(no.isRecording());
    assertEquals(Boolean.FALSE, no.sampled());
    Span child = no.startChild("db.query");
    Span other = no.startChild("other");
    assertNotEquals(child.spanId(), other.spanId(), "every child has its own id, recorded or not");
    assertNotEquals(no.spanId(), child.spanId());
    assertEquals(no.spanId(), child.parentSpanId());
    Span grandchild = child.startChild("db.connect");
    assertEquals(child.spanId(), grandchild.parentSpanId());
    assertEquals(no.traceId(), grandchild.traceId());
    assertTrue(outgoing(child).get("sentry-trace").endsWith("-0"));
    assertTrue(outgoing(child).get("baggage").contains("sentry-sampled=false"));
    assertEquals("02", outgoing(child).get("traceparent").substring(53), "unsampled, random trace id");
    child.finish();
    no.finish();
    assertEquals(1, transport.transactions().size(), "an unsampled transaction is never sent");
    assertEquals(1, transport.lost("sample_rate", "transaction"));
    assertEquals(0, transport.lost("buffer_overflow", "span"), "unsampled children are not drops");
  }

  @Test
  void everyOutgoingCallOfAnUnsampledOrUndecidedTransactionNamesItsOwnSpan() {
    for (SpindleOptions o : List.of(new SpindleOptions().setTracesSampleRate(0.0), new SpindleOptions())) {
      tracer(o);
      Transaction tx = tracer.startTransaction("t", "task");
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        Span call = tx.startChild("http.client");
        Map<String, String> out = outgoing(call);
        String fromSentry = out.get("sentry-trace").split("-")[1];
        assertEquals(fromSentry, out.get("traceparent").split("-")[2]);
        assertEquals(call.spanId(), fromSentry);
        ids.add(fromSentry);
        call.finish();
      }
      tx.finish();
      assertEquals(100, ids.size(), "distinct parent ids for " + tx.sampled());
      assertFalse(ids.contains(tx.spanId()));
    }
  }

  @Test
  void tracingWithoutPerformanceStillContinuesAndPropagates() {
    tracer(new SpindleOptions());
    Transaction tx = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT));
    assertFalse(tx.isRecording());
    assertNull(tx.sampled());
    assertEquals(TRACE, tx.traceId());
    Map<String, String> out = outgoing(tx);
    assertEquals(TRACE + "-" + tx.spanId(), out.get("sentry-trace"), "no sampled flag: deferred");
    String baggage = out.getOrDefault("baggage", "");
    assertFalse(baggage.contains("sentry-sample_rate"), baggage);
    assertFalse(baggage.contains("sentry-sampled"), baggage);
    assertFalse(baggage.contains("sentry-transaction"), baggage);
    tx.finish();
    assertTrue(transport.envelopes.isEmpty());
  }

  @Test
  void explicitDecisionBeatsEverything() {
    tracer(new SpindleOptions().setTracesSampleRate(0.0).setTracesSampler(c -> 0.0));
    Transaction tx = tracer.startTransaction(TransactionContext.builder("forced", "task").sampled(true).build());
    assertTrue(tx.isRecording());
    tx.finish();
    assertEquals(1, transport.transactions().size());
  }

  @Test
  void samplerBeatsTheParentAndSeesItsContext() {
    AtomicReference<SamplingContext> seen = new AtomicReference<>();
    tracer(new SpindleOptions().setTracesSampleRate(1.0).setTracesSampler(c -> {
      seen.set(c);
      return c.name().equals("GET /orders") ? 0.0 : null;
    }));
    Transaction tx = tracer.startTransaction(TransactionContext.builder("GET /orders", "http.server")
        .continueFrom(tracer.extract(headers("sentry-trace", TRACE + "-" + PARENT + "-1",
            "baggage", "sentry-trace_id=" + TRACE + ",sentry-sample_rate=0.5,sentry-sample_rand=0.1"),
            Propagation.mapGetter())).build(), Map.of("customer", "acme"));
    assertFalse(tx.isRecording(), "the sampler said 0 although the parent sampled");
    assertEquals(Boolean.TRUE, seen.get().parentSampled());
    assertEquals(0.5, seen.get().parentSampleRate());
    assertEquals("acme", seen.get().customSamplingContext().get("customer"));
    tx.finish();
  }

  @Test
  void samplerReturningNullFallsBackToTheParent() {
    tracer(new SpindleOptions().setTracesSampleRate(0.0).setTracesSampler(c -> null));
    Transaction tx = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT + "-1"));
    assertTrue(tx.isRecording());
    tx.finish();
  }

  @Test
  void parentDecisionBeatsTheRate() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    Transaction no = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT + "-0"));
    assertFalse(no.isRecording());
    assertEquals(Boolean.FALSE, no.sampled());
    no.finish();
    tracer(new SpindleOptions().setTracesSampleRate(0.0));
    Transaction yes = continueFrom(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-01"));
    assertTrue(yes.isRecording());
    assertEquals(PARENT, yes.parentSpanId());
    yes.finish();
    JsonNode sent = transport.transactions().get(0);
    assertEquals(TRACE, sent.at("/contexts/trace/trace_id").asText());
    assertEquals(PARENT, sent.at("/contexts/trace/parent_span_id").asText());
  }

  @Test
  void incomingSampleRandIsReusedWhenTheDecisionIsDeferred() {
    String deferred = TRACE + "-" + PARENT;
    String baggage = "sentry-trace_id=" + TRACE + ",sentry-sample_rand=0.250000";
    tracer(new SpindleOptions().setTracesSampleRate(0.3));
    Transaction in = continueFrom(headers("sentry-trace", deferred, "baggage", baggage));
    assertTrue(in.isRecording(), "0.25 < 0.3");
    in.finish();
    tracer(new SpindleOptions().setTracesSampleRate(0.2));
    Transaction out = continueFrom(headers("sentry-trace", deferred, "baggage", baggage));
    assertFalse(out.isRecording(), "0.25 >= 0.2");
    out.finish();
  }

  @Test
  void sampleRandComesFromTheTraceIdSoOneTraceGetsOneDecision() {
    tracer(new SpindleOptions().setTracesSampleRate(0.5));
    for (int i = 0; i < 20; i++) {
      String traceId = dev.spindle.protocol.internal.Ids.newTraceId();
      Boolean first = null;
      for (int j = 0; j < 3; j++) {
        Transaction tx = continueFrom(headers("sentry-trace", traceId + "-" + PARENT));
        if (first == null) first = tx.isRecording();
        assertEquals(first, tx.isRecording());
        tx.finish();
      }
    }
  }

  @Test
  void sampleRandAndRateAgreeWithTheDecision() {
    tracer(new SpindleOptions().setTracesSampleRate(0.3));
    int sampled = 0;
    for (int i = 0; i < 2000; i++) {
      Transaction tx = tracer.startTransaction("t" + i, "task");
      Map<String, String> bag = parseBaggage(outgoing(tx).get("baggage"));
      double rand = Double.parseDouble(bag.get("sentry-sample_rand"));
      assertEquals("0.3", bag.get("sentry-sample_rate"));
      assertEquals(rand < 0.3, tx.isRecording());
      assertEquals(String.valueOf(tx.isRecording()), bag.get("sentry-sampled"));
      if (tx.isRecording()) sampled++;
      tx.finish();
    }
    assertTrue(sampled > 450 && sampled < 750, "about 30% of 2000, was " + sampled);
  }

  @Test
  void backfilledSampleRandHonoursTheParentsDecision() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    for (int i = 0; i < 200; i++) {
      String traceId = dev.spindle.protocol.internal.Ids.newTraceId();
      boolean parent = i % 2 == 0;
      Transaction tx = continueFrom(headers("sentry-trace", traceId + "-" + PARENT + (parent ? "-1" : "-0"),
          "baggage", "sentry-trace_id=" + traceId + ",sentry-sample_rate=0.4"));
      assertEquals(parent, tx.isRecording());
      tx.finish();
    }
  }

  @Test
  void incomingDscIsFrozenAndForwardedUnchanged() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    String baggage = "sentry-trace_id=" + TRACE + ",sentry-public_key=upstream,sentry-release=mobile@9,"
        + "sentry-sample_rate=1,sentry-sample_rand=0.5,sentry-sampled=true,sentry-transaction=Checkout,"
        + "othervendor=keep-me-not";
    Transaction tx = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT + "-1", "baggage", baggage));
    tx.setName("renamed", TransactionSource.CUSTOM);
    Map<String, String> bag = parseBaggage(outgoing(tx.startChild("http.client")).get("baggage"));
    assertEquals("upstream", bag.get("sentry-public_key"));
    assertEquals("mobile@9", bag.get("sentry-release"));
    assertEquals("Checkout", bag.get("sentry-transaction"));
    assertFalse(bag.containsKey("othervendor"), "other vendors' incoming members are not forwarded as ours");
    tx.finish();
  }

  @Test
  void ownDscFreezesWhenItFirstLeaves() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    Transaction tx = tracer.startTransaction("first name", "task");
    Map<String, String> before = parseBaggage(outgoing(tx).get("baggage"));
    tx.setName("second name", TransactionSource.ROUTE);
    Map<String, String> after = parseBaggage(outgoing(tx).get("baggage"));
    assertEquals("first name", before.get("sentry-transaction"));
    assertEquals(before, after);
    assertEquals("pubkey", after.get("sentry-public_key"));
    assertEquals("web@2", after.get("sentry-release"));
    assertEquals("prod", after.get("sentry-environment"));
    tx.finish();
  }

  @Test
  void outgoingHeadersNameTheSpanCurrentAtSendTime() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    Transaction tx = tracer.startTransaction("cli", "cli.command");
    Span a = tx.startChild("http.client", "GET /a");
    Span b = tx.startChild("http.client", "GET /b");
    Map<String, String> sentUnderB;
    try (Scope s = b.makeCurrent()) {
      sentUnderB = new HashMap<>();
      tracer.inject(tracer.currentSpan(), sentUnderB, Propagation.mapSetter());
    }
    assertEquals(TRACE.length(), sentUnderB.get("sentry-trace").indexOf('-'));
    assertEquals(tx.traceId() + "-" + b.spanId() + "-1", sentUnderB.get("sentry-trace"));
    assertEquals("00-" + tx.traceId() + "-" + b.spanId() + "-03", sentUnderB.get("traceparent"),
        "sampled, and our trace ids are random (W3C Level 2)");
    a.finish();
    b.finish();
    tx.finish();
  }

  @Test
  void aTraceCrossesTwoTracers() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    CapturingTransport downstreamTransport = new CapturingTransport();
    try (Tracer downstream = Tracer.create(new SpindleOptions().setTracesSampleRate(0.0)
        .setTransport(downstreamTransport))) {
      Transaction front = tracer.startTransaction("page", "pageload");
      Span call = front.startChild("http.client", "GET /api");
      Map<String, String> wire = outgoing(call);
      Transaction back = downstream.continueTrace(wire, Propagation.mapGetter(), "GET /api",
          "http.server", TransactionSource.ROUTE);
      assertTrue(back.isRecording(), "the head's decision travels downstream");
      assertEquals(front.traceId(), back.traceId());
      assertEquals(call.spanId(), back.parentSpanId());
      back.finish();
      call.finish();
      front.finish();
      JsonNode backJson = downstreamTransport.transactions().get(0);
      assertEquals(call.spanId(), backJson.at("/contexts/trace/parent_span_id").asText());
      JsonNode dsc = CapturingTransport.parse(downstreamTransport.envelopes.get(0).traceJson());
      assertEquals("pubkey", dsc.get("public_key").asText(), "the head's DSC is forwarded");
    }
  }

  @Test
  void malformedHeadersStartANewTrace() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    for (String bad : List.of("", "garbage", TRACE, TRACE + "-" + PARENT + "-2",
        "00000000000000000000000000000000-" + PARENT + "-1", TRACE + "-0000000000000000-1")) {
      Transaction tx = continueFrom(headers("sentry-trace", bad, "traceparent", "ff-" + bad));
      assertNotEquals(TRACE, tx.traceId(), bad);
      assertNull(tx.parentSpanId(), bad);
      tx.finish();
    }
  }

  @Test
  void anotherOrganizationsTraceIsNotContinued() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0).setOrgId("1"));
    Transaction tx = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT + "-1",
        "baggage", "sentry-trace_id=" + TRACE + ",sentry-org_id=2"));
    assertNotEquals(TRACE, tx.traceId());
    tx.finish();
    tracer(new SpindleOptions().setTracesSampleRate(1.0).setOrgId("1").setStrictTraceContinuation(true));
    Transaction strict = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT + "-1"));
    assertNotEquals(TRACE, strict.traceId(), "strict: their org id is missing");
    strict.finish();
    Transaction same = continueFrom(headers("sentry-trace", TRACE + "-" + PARENT + "-1",
        "baggage", "sentry-trace_id=" + TRACE + ",sentry-org_id=1"));
    assertEquals(TRACE, same.traceId());
    same.finish();
  }

  @Test
  void propagationTargetsAndTheIngestUrl() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0)
        .setTracePropagationTargets(List.of("api.internal", "^https://catalog\\.example/.*")));
    assertTrue(tracer.shouldPropagateTo("http://api.internal/v1"));
    assertTrue(tracer.shouldPropagateTo("https://catalog.example/packages"));
    assertFalse(tracer.shouldPropagateTo("https://thirdparty.example/pay"));
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    assertTrue(tracer.shouldPropagateTo("https://thirdparty.example/pay"), "default: everywhere");
    assertFalse(tracer.shouldPropagateTo("http://127.0.0.1:8790/api/1/envelope/"),
        "never to the tracing server's own ingest URL");
    tracer(new SpindleOptions().setTracesSampleRate(1.0).setTracePropagationTargets(List.of()));
    assertFalse(tracer.shouldPropagateTo("http://api.internal/v1"), "empty list: nowhere");
  }

  @Test
  void theRandomFlagIsForwardedOnlyWhenUpstreamSetIt() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    Transaction random = continueFrom(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-03"));
    assertEquals("03", outgoing(random).get("traceparent").substring(53));
    random.finish();
    Transaction notRandom = continueFrom(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-01"));
    assertEquals("01", outgoing(notRandom).get("traceparent").substring(53));
    notRandom.finish();
  }

  @Test
  void traceparentCanBeSwitchedOff() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0).setPropagateTraceparent(false));
    Transaction tx = tracer.startTransaction("t", "task");
    Map<String, String> out = outgoing(tx);
    assertTrue(out.containsKey("sentry-trace"));
    assertFalse(out.containsKey("traceparent"));
    tx.finish();
  }

  @Test
  void sentryHeadersCanBeSwitchedOffForW3cTraceContextOnly() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0).setPropagateSentryHeaders(false));
    Transaction tx = continueFrom(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-01",
        "tracestate", "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7"));
    Span child = tx.startChild("http.client", "GET /");
    Map<String, String> out = outgoing(child);
    assertEquals(Map.of("traceparent", "00-" + TRACE + "-" + child.spanId() + "-01",
        "tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"), out);
    IncomingTrace back = tracer.extract(out, Propagation.mapGetter());
    assertEquals(child.spanId(), back.parentSpanId());
    assertEquals(Boolean.TRUE, back.sampled());
    assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", back.tracestate());
    child.finish();
    tx.finish();
  }

  @Test
  void anInvalidTracestateGivenInCodeIsNotForwarded() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    IncomingTrace forged = new IncomingTrace(TRACE, PARENT, true, null, "Bad Value",
        IncomingTrace.Source.TRACEPARENT, Baggage.EMPTY, false);
    Transaction tx = tracer.startTransaction(
        TransactionContext.builder("t", "task").continueFrom(forged).build());
    Map<String, String> out = outgoing(tx);
    assertTrue(out.containsKey("traceparent"));
    assertFalse(out.containsKey("tracestate"));
    tx.finish();
  }

  @Test
  void noopSpanInjectsNothing() {
    tracer(new SpindleOptions().setTracesSampleRate(1.0));
    assertTrue(outgoing(tracer.currentSpan()).isEmpty());
  }

  /** Baggage members with percent-decoded values. */
  static Map<String, String> parseBaggage(String header) {
    Map<String, String> m = new TreeMap<>();
    for (String member : header.split(",")) {
      int eq = member.indexOf('=');
      m.put(member.substring(0, eq).trim(), java.net.URLDecoder.decode(
          member.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return m;
  }
}
