package dev.spindle.propagation;

import dev.spindle.internal.propagation.Tracestate;
import dev.spindle.internal.propagation.TracePropagator;
import dev.spindle.internal.propagation.OutgoingTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TracePropagatorTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";
  static final String OTHER_TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String OTHER_SPAN = "b7ad6b7169203331";

  final TracePropagator propagator = TracePropagator.create(true, true);

  static Map<String, String> headers(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  static Map<String, List<String>> multi(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  IncomingTrace extract(Map<String, String> headers) {
    return propagator.extract(headers, Propagation.mapGetter());
  }

  IncomingTrace extractMulti(Map<String, List<String>> headers) {
    return propagator.extract(headers, Propagation.multiMapGetter());
  }

  // ---- extract: sentry-trace

  @Test
  void extractsSentryTrace() {
    IncomingTrace in = extract(headers("sentry-trace", TRACE + "-" + SPAN + "-1"));
    assertEquals(TRACE, in.traceId());
    assertEquals(SPAN, in.parentSpanId());
    assertEquals(Boolean.TRUE, in.sampled());
    assertEquals(IncomingTrace.Source.SENTRY_TRACE, in.source());
    assertNull(in.dsc());
    assertNull(in.sampleRate());
    assertNull(in.sampleRand());
    assertEquals("", in.tracestate());
    assertTrue(in.baggage().isEmpty());
  }

  @Test
  void sentryTraceDecisions() {
    assertEquals(Boolean.FALSE, extract(headers("sentry-trace", TRACE + "-" + SPAN + "-0")).sampled());
    assertNull(extract(headers("sentry-trace", TRACE + "-" + SPAN)).sampled());
  }

  @Test
  void headerNamesAreCaseInsensitive() {
    IncomingTrace in = extract(headers(
        "Sentry-Trace", TRACE + "-" + SPAN + "-1",
        "BAGGAGE", "sentry-trace_id=" + TRACE + ",sentry-sample_rate=0.5"));
    assertEquals(TRACE, in.traceId());
    assertEquals(0.5, in.sampleRate());
  }

  @Test
  void sentryTraceWithUppercaseAndWhitespaceIsNormalised() {
    IncomingTrace in = extract(headers("sentry-trace", "\t " + TRACE.toUpperCase() + "-" + SPAN + "-1 "));
    assertEquals(TRACE, in.traceId());
  }

  @Test
  void readsDscFromBaggage() {
    IncomingTrace in = extract(headers(
        "sentry-trace", TRACE + "-" + SPAN + "-1",
        "baggage", "vendor=x,sentry-trace_id=" + TRACE + ",sentry-sample_rate=0.25,"
            + "sentry-sample_rand=0.123456,sentry-sampled=true,sentry-org_id=1"));
    assertNotNull(in.dsc());
    assertEquals(0.25, in.sampleRate());
    assertEquals(0.123456, in.sampleRand());
    assertEquals("1", in.dsc().orgId());
    assertEquals("x", in.baggage().get("vendor"));
  }

  @Test
  void baggageWithoutSentryMembersGivesNoDsc() {
    IncomingTrace in = extract(headers(
        "sentry-trace", TRACE + "-" + SPAN + "-1", "baggage", "vendor=x"));
    assertNull(in.dsc());
    assertEquals("x", in.baggage().get("vendor"));
  }

  @Test
  void dscOfAnotherTraceIsIgnored() {
    IncomingTrace in = extract(headers(
        "sentry-trace", TRACE + "-" + SPAN + "-1",
        "baggage", "sentry-trace_id=" + OTHER_TRACE + ",sentry-sample_rate=0.5"));
    assertEquals(TRACE, in.traceId());
    assertNull(in.dsc());
    assertNull(in.sampleRate());
  }

  @Test
  void severalBaggageHeadersAreCombined() {
    IncomingTrace in = extractMulti(multi(
        "sentry-trace", TRACE + "-" + SPAN,
        "baggage", "sentry-sample_rate=0.5",
        "Baggage", "sentry-release=1.0"));
    assertEquals("0.5", in.dsc().sampleRate());
    assertEquals("1.0", in.dsc().release());
  }

  @Test
  void noHeadersOrOnlyBaggageStartsANewTrace() {
    assertNull(extract(headers()));
    assertNull(extract(headers("baggage", "sentry-trace_id=" + TRACE)));
    assertNull(extract(headers("tracestate", "a=1")));
  }

  @Test
  void malformedSentryTraceStartsANewTrace() {
    assertNull(extract(headers("sentry-trace", "garbage")));
    assertNull(extract(headers("sentry-trace", "00000000000000000000000000000000-" + SPAN + "-1")));
    assertNull(extract(headers("sentry-trace", TRACE + "-" + SPAN + "-2")));
  }

  // ---- extract: traceparent

  @Test
  void extractsTraceparentSampled() {
    IncomingTrace in = extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
    assertEquals(TRACE, in.traceId());
    assertEquals(SPAN, in.parentSpanId());
    assertEquals(Boolean.TRUE, in.sampled());
    assertEquals(IncomingTrace.Source.TRACEPARENT, in.source());
  }

  @Test
  void traceparentFlag00IsDeferred() {
    assertNull(extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-00")).sampled());
  }

  @Test
  void traceparentFlag00WithSentrySampledFalseIsNotSampled() {
    IncomingTrace in = extract(headers(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-00",
        "baggage", "sentry-sampled=false"));
    assertEquals(Boolean.FALSE, in.sampled());
  }

  @Test
  void traceparentFlag00WithSentrySampledTrueStaysDeferred() {
    IncomingTrace in = extract(headers(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-00",
        "baggage", "sentry-sampled=true,sentry-sample_rate=1"));
    assertNull(in.sampled());
    assertEquals(1.0, in.sampleRate());
  }

  @Test
  void traceparentFlag01WinsOverSentrySampledFalse() {
    IncomingTrace in = extract(headers(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01",
        "baggage", "sentry-sampled=false"));
    assertEquals(Boolean.TRUE, in.sampled());
  }

  @Test
  void sentryTraceWinsOverTraceparent() {
    IncomingTrace in = extract(headers(
        "traceparent", "00-" + OTHER_TRACE + "-" + OTHER_SPAN + "-01",
        "sentry-trace", TRACE + "-" + SPAN + "-0",
        "tracestate", "foo=bar"));
    assertEquals(TRACE, in.traceId());
    assertEquals(SPAN, in.parentSpanId());
    assertEquals(Boolean.FALSE, in.sampled());
    assertEquals(IncomingTrace.Source.SENTRY_TRACE, in.source());
    // the tracestate belongs to the other trace
    assertEquals("", in.tracestate());
  }

  @Test
  void tracestateIsKeptWhenTraceparentMatchesTheSentryTrace() {
    IncomingTrace in = extract(headers(
        "sentry-trace", TRACE + "-" + OTHER_SPAN + "-1",
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01",
        "tracestate", "foo=bar"));
    assertEquals(OTHER_SPAN, in.parentSpanId());
    assertEquals("foo=bar", in.tracestate());
  }

  @Test
  void invalidSentryTraceFallsBackToTraceparent() {
    IncomingTrace in = extract(headers(
        "sentry-trace", "nonsense",
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01"));
    assertEquals(IncomingTrace.Source.TRACEPARENT, in.source());
    assertEquals(TRACE, in.traceId());
  }

  // W3C trace-context test suite style cases

  @Test
  void w3cDuplicatedTraceparentStartsANewTrace() {
    assertNull(extractMulti(multi(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01",
        "traceparent", "00-" + OTHER_TRACE + "-" + OTHER_SPAN + "-01",
        "tracestate", "foo=1")));
    // also when the two only differ in the header name's case
    assertNull(extract(headers(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01",
        "TraceParent", "00-" + TRACE + "-" + SPAN + "-01")));
  }

  @Test
  void w3cTraceparentHeaderNameCasing() {
    for (String name : new String[] {"TRACEPARENT", "TraceParent", "traceParent"}) {
      IncomingTrace in = extract(headers(name, "00-" + TRACE + "-" + SPAN + "-01", "TraceState", "foo=1"));
      assertEquals(TRACE, in.traceId(), name);
      assertEquals("foo=1", in.tracestate(), name);
    }
  }

  @Test
  void w3cTraceparentOptionalWhitespace() {
    assertNotNull(extract(headers("traceparent", " \t00-" + TRACE + "-" + SPAN + "-01 \t")));
  }

  @Test
  void w3cInvalidTraceparentIgnoresTracestate() {
    assertNull(extract(headers(
        "traceparent", "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01",
        "tracestate", "foo=1")));
    assertNull(extract(headers("traceparent", "ff-" + TRACE + "-" + SPAN + "-01")));
    assertNull(extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-01-extra")));
  }

  @Test
  void w3cFutureVersionIsContinued() {
    IncomingTrace in = extract(headers(
        "traceparent", "cc-" + TRACE + "-" + SPAN + "-01-what-the-future-will-be-like",
        "tracestate", "foo=1"));
    assertEquals(TRACE, in.traceId());
    assertEquals("foo=1", in.tracestate());
  }

  @Test
  void w3cTracestateHeadersAreCombined() {
    IncomingTrace in = extractMulti(multi(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01",
        "tracestate", "foo=1",
        "tracestate", "bar=2, ,",
        "Tracestate", "baz=3"));
    assertEquals("foo=1,bar=2,baz=3", in.tracestate());
  }

  @Test
  void w3cInvalidTracestateIsDroppedButTraceparentKept() {
    String tp = "00-" + TRACE + "-" + SPAN + "-01";
    List<String> invalid = new ArrayList<>(List.of(
        "foo=1,bar",
        "Foo=1",
        "foo=bar=baz",
        "foo=\u00e9",
        "foo=bar ,baz=",
        TracestateTest.members(33)));
    for (String ts : invalid) {
      IncomingTrace in = extract(headers("traceparent", tp, "tracestate", ts));
      assertEquals(TRACE, in.traceId(), ts);
      assertEquals("", in.tracestate(), ts);
    }
    IncomingTrace dup = extractMulti(multi("traceparent", tp, "tracestate", "a=1", "tracestate", "a=2"));
    assertEquals("a=1", dup.tracestate(), "a repeated key keeps the first");
    IncomingTrace ok = extract(headers("traceparent", tp, "tracestate", TracestateTest.members(32)));
    assertEquals(TracestateTest.members(32), ok.tracestate());
  }

  @Test
  void baggageIsReadWithTraceparentToo() {
    IncomingTrace in = extract(headers(
        "traceparent", "00-" + TRACE + "-" + SPAN + "-01",
        "baggage", "sentry-trace_id=" + TRACE + ",sentry-sample_rand=0.5,sentry-sample_rate=0.7"));
    assertEquals(0.5, in.sampleRand());
    assertEquals(0.7, in.sampleRate());
    assertEquals(TRACE, in.dsc().traceId());
  }

  // ---- extract never throws

  @Test
  void extractNeverThrows() {
    Propagation.Getter<Object> throwing = (c, k) -> {
      throw new IllegalStateException("broken carrier");
    };
    assertNull(propagator.extract(new Object(), throwing));
    assertNull(propagator.extract(null, Propagation.mapGetter()));
    assertNull(propagator.extract(headers(), null));
    Map<String, String> withNullValue = new HashMap<>();
    withNullValue.put("sentry-trace", null);
    assertNull(extract(withNullValue));
  }

  // ---- inject

  @Test
  void injectsAllHeaders() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .traceId(TRACE).sampleRate(0.5).sampleRand(0.25).sampled(true).build();
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(OutgoingTrace.of(TRACE, true, dsc, "foo=1"), SPAN, carrier,
        Propagation.mapSetter());
    assertEquals(TRACE + "-" + SPAN + "-1", carrier.get("sentry-trace"));
    assertEquals("00-" + TRACE + "-" + SPAN + "-01", carrier.get("traceparent"));
    assertEquals("foo=1", carrier.get("tracestate"));
    assertEquals("sentry-trace_id=" + TRACE + ",sentry-sample_rate=0.5,"
        + "sentry-sample_rand=0.250000,sentry-sampled=true", carrier.get("baggage"));
    assertEquals(4, carrier.size());
  }

  @Test
  void injectDeferredAndUnsampled() {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(OutgoingTrace.of(TRACE, null, null, null), SPAN, carrier,
        Propagation.mapSetter());
    assertEquals(TRACE + "-" + SPAN, carrier.get("sentry-trace"));
    assertEquals("00-" + TRACE + "-" + SPAN + "-00", carrier.get("traceparent"));
    assertFalse(carrier.containsKey("baggage"));
    assertFalse(carrier.containsKey("tracestate"));

    propagator.inject(OutgoingTrace.of(TRACE, false, null, ""), SPAN, carrier,
        Propagation.mapSetter());
    assertEquals(TRACE + "-" + SPAN + "-0", carrier.get("sentry-trace"));
    assertEquals("00-" + TRACE + "-" + SPAN + "-00", carrier.get("traceparent"));
    assertFalse(carrier.containsKey("tracestate"));
  }

  @Test
  void injectWithoutTraceparent() {
    Map<String, String> carrier = new HashMap<>();
    TracePropagator.create(true, false).inject(OutgoingTrace.of(TRACE, true, null, "foo=1"), SPAN,
        carrier, Propagation.mapSetter());
    assertEquals(Map.of("sentry-trace", TRACE + "-" + SPAN + "-1"), carrier);
  }

  @Test
  void injectW3cOnly() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().traceId(TRACE).build();
    Map<String, String> carrier = new HashMap<>();
    TracePropagator.create(false, true).inject(OutgoingTrace.of(TRACE, true, dsc, "foo=1"), SPAN,
        carrier, Propagation.mapSetter());
    assertEquals(Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-01", "tracestate", "foo=1"),
        carrier);
  }

  @Test
  void injectForwardsTracestateAsParsed() {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(OutgoingTrace.of(TRACE, true, null, " a=1 ,,b=2,a=3"), SPAN, carrier,
        Propagation.mapSetter());
    assertEquals("a=1,b=2", carrier.get("tracestate"));
  }

  @Test
  void injectDropsAnInvalidTracestate() {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(OutgoingTrace.of(TRACE, true, null, "Bad Value"), SPAN, carrier,
        Propagation.mapSetter());
    assertFalse(carrier.containsKey("tracestate"));
  }

  @Test
  void injectMergesExistingBaggage() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .traceId(TRACE).release("2.0").build();
    Map<String, String> carrier = headers(
        "Baggage", "vendor=1;p, sentry-release=1.0, sentry-trace_id=" + OTHER_TRACE + ", user=me");
    propagator.inject(OutgoingTrace.of(TRACE, true, dsc, null), SPAN, carrier,
        Propagation.mapGetter(), Propagation.mapSetter());
    assertEquals("sentry-trace_id=" + TRACE + ",sentry-release=2.0,vendor=1;p,user=me",
        carrier.get("baggage"));
    assertFalse(carrier.containsKey("Baggage"));
  }

  @Test
  void injectMergesSeveralExistingBaggageHeaders() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().release("2.0").build();
    Map<String, List<String>> carrier = multi("baggage", "a=1", "baggage", "sentry-release=1,b=2");
    propagator.inject(OutgoingTrace.of(TRACE, true, dsc, null), SPAN, carrier,
        Propagation.multiMapGetter(), Propagation.multiMapSetter());
    assertEquals(List.of("sentry-release=2.0,a=1,b=2"), carrier.get("baggage"));
  }

  @Test
  void injectWithoutGetterOverwritesBaggage() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().release("2.0").build();
    Map<String, String> carrier = headers("baggage", "vendor=1");
    propagator.inject(OutgoingTrace.of(TRACE, true, dsc, null), SPAN, carrier,
        Propagation.mapSetter());
    assertEquals("sentry-release=2.0", carrier.get("baggage"));
  }

  @Test
  void injectNeverThrows() {
    Propagation.Setter<Map<String, String>> throwing = (c, k, v) -> {
      throw new UnsupportedOperationException("read-only");
    };
    OutgoingTrace trace = OutgoingTrace.of(TRACE, true, null, null);
    propagator.inject(trace, SPAN, new HashMap<>(), throwing);
    propagator.inject(trace, SPAN, Map.of(), Propagation.mapSetter()); // immutable map
    propagator.inject(null, SPAN, new HashMap<String, String>(), Propagation.mapSetter());
    propagator.inject(trace, null, new HashMap<String, String>(), Propagation.mapSetter());
    propagator.inject(trace, SPAN, null, Propagation.mapSetter());
    propagator.inject(trace, SPAN, new HashMap<String, String>(), null);
  }

  @Test
  void worksWithMethodReferences() {
    TreeMap<String, String> carrier = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    propagator.inject(OutgoingTrace.of(TRACE, true, null, null), SPAN, carrier, TreeMap::put);
    IncomingTrace in = propagator.extract(carrier, TreeMap::get);
    assertEquals(TRACE, in.traceId());
    assertEquals(SPAN, in.parentSpanId());
  }

  // ---- round trips

  @Test
  void roundTripThroughSentryTrace() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .traceId(TRACE).publicKey("pk").sampleRate(0.3).sampleRand(0.1).sampled(true)
        .release("app@1 beta").environment("prod").orgId("42").transaction("checkout / pay")
        .set("replay_id", "abc").build();
    for (Boolean sampled : new Boolean[] {true, false, null}) {
      Map<String, String> carrier = new HashMap<>();
      propagator.inject(OutgoingTrace.of(TRACE, sampled, dsc, "v@sys=x,w=y"), SPAN, carrier,
          Propagation.mapSetter());
      IncomingTrace in = extract(carrier);
      assertEquals(TRACE, in.traceId());
      assertEquals(SPAN, in.parentSpanId());
      assertEquals(sampled, in.sampled());
      assertEquals(dsc, in.dsc());
      assertEquals(0.3, in.sampleRate());
      assertEquals(0.1, in.sampleRand());
      assertEquals("v@sys=x,w=y", in.tracestate());
      assertEquals(IncomingTrace.Source.SENTRY_TRACE, in.source());
    }
  }

  @Test
  void roundTripThroughTraceparentOnly() {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(OutgoingTrace.of(TRACE, true, null, "a=1"), SPAN, carrier,
        Propagation.mapSetter());
    carrier.remove("sentry-trace");
    IncomingTrace in = extract(carrier);
    assertEquals(IncomingTrace.Source.TRACEPARENT, in.source());
    assertEquals(TRACE, in.traceId());
    assertEquals(SPAN, in.parentSpanId());
    assertEquals(Boolean.TRUE, in.sampled());
    assertEquals("a=1", in.tracestate());
  }

  @Test
  void roundTripWithMultiMap() {
    Map<String, List<String>> carrier = new HashMap<>();
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().traceId(TRACE).orgId("1").build();
    propagator.inject(OutgoingTrace.of(TRACE, false, dsc, null), SPAN, carrier,
        Propagation.multiMapSetter());
    IncomingTrace in = extractMulti(carrier);
    assertEquals(Boolean.FALSE, in.sampled());
    assertEquals("1", in.dsc().orgId());
  }

  // ---- misc

  @Test
  void fieldsAndFactory() {
    assertEquals(List.of("sentry-trace", "baggage", "traceparent", "tracestate"), propagator.fields());
    assertTrue(propagator.propagatesTraceparent());
    assertTrue(propagator.propagatesSentryHeaders());
    assertFalse(TracePropagator.create(true, false).propagatesTraceparent());
    assertFalse(TracePropagator.create(false, true).propagatesSentryHeaders());
    assertSame(TracePropagator.create(true, true), TracePropagator.create(true, true));
  }

  // ---- org id

  static IncomingTrace withOrg(String orgId) {
    Map<String, String> h = headers("sentry-trace", TRACE + "-" + SPAN + "-1");
    if (orgId != null) h.put("baggage", "sentry-org_id=" + orgId);
    else h.put("baggage", "sentry-release=1");
    return TracePropagator.create(true, false).extract(h, Propagation.mapGetter());
  }

  @Test
  void shouldContinueLenient() {
    assertTrue(TracePropagator.shouldContinue(withOrg("1"), "1", false));
    assertFalse(TracePropagator.shouldContinue(withOrg("1"), "2", false));
    assertTrue(TracePropagator.shouldContinue(withOrg(null), "2", false));
    assertTrue(TracePropagator.shouldContinue(withOrg("1"), null, false));
    assertTrue(TracePropagator.shouldContinue(withOrg(null), null, false));
    assertTrue(TracePropagator.shouldContinue(withOrg("1"), "", false));
  }

  @Test
  void shouldContinueStrict() {
    assertTrue(TracePropagator.shouldContinue(withOrg("1"), "1", true));
    assertFalse(TracePropagator.shouldContinue(withOrg("1"), "2", true));
    assertFalse(TracePropagator.shouldContinue(withOrg(null), "2", true));
    assertFalse(TracePropagator.shouldContinue(withOrg("1"), null, true));
    assertTrue(TracePropagator.shouldContinue(withOrg(null), null, true));
  }

  @Test
  void shouldContinueWithoutDsc() {
    IncomingTrace noDsc = extract(headers("sentry-trace", TRACE + "-" + SPAN + "-1"));
    assertTrue(TracePropagator.shouldContinue(noDsc, "1", false));
    assertFalse(TracePropagator.shouldContinue(noDsc, "1", true));
    assertFalse(TracePropagator.shouldContinue(null, "1", false));
  }
}
