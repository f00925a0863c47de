package dev.spindle.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.internal.JsonWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicSamplingContextTest {
  static final String TRACE = "771a43a4192642f0b136d5159a501700";

  static DynamicSamplingContext full() {
    return DynamicSamplingContext.builder()
        .traceId(TRACE)
        .publicKey("49d0f7386ad645858ae85020e393bef3")
        .sampleRate(0.25)
        .sampleRand(0.1234567)
        .sampled(true)
        .release("my-app@1.0.0+abc")
        .environment("prod")
        .orgId("1")
        .transaction("GET /users/{id}")
        .build();
  }

  @Test
  void builderFormatsNumbers() {
    DynamicSamplingContext dsc = full();
    assertEquals("0.25", dsc.sampleRate());
    assertEquals(0.25, dsc.sampleRateValue());
    assertEquals("0.123456", dsc.sampleRand());
    assertEquals(0.123456, dsc.sampleRandValue());
    assertEquals("1", DynamicSamplingContext.builder().sampleRate(1.0).build().sampleRate());
    assertEquals("0", DynamicSamplingContext.builder().sampleRate(0.0).build().sampleRate());
    assertEquals("0.00001", DynamicSamplingContext.builder().sampleRate(1e-5).build().sampleRate());
  }

  @Test
  void sampleRateOutOfRangeFailsFast() {
    DynamicSamplingContext.Builder b = DynamicSamplingContext.builder();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.sampleRate(1.5));
    assertTrue(e.getMessage().startsWith("sampleRate: 1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.sampleRate(-0.1));
    assertThrows(IllegalArgumentException.class, () -> b.sampleRate(Double.NaN));
  }

  @Test
  void stringsAreKeptAsIs() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .sampleRate("1e-05").sampleRand("0.5").build();
    assertEquals("1e-05", dsc.sampleRate());
    assertEquals(0.00001, dsc.sampleRateValue());
    assertEquals("0.5", dsc.sampleRand());
  }

  @Test
  void invalidNumbersReadAsNull() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .sampleRate("lots").sampleRand("1.5").build();
    assertNull(dsc.sampleRateValue());
    assertNull(dsc.sampleRandValue());
    assertEquals("lots", dsc.sampleRate());
  }

  @Test
  void emptyValuesAreAbsent() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .release("").environment("").set("replay_id", "").build();
    assertNull(dsc.release());
    assertNull(dsc.environment());
    assertEquals(Map.of(), dsc.toMap());
  }

  @Test
  void toBaggageMembersEncodesAndOrders() {
    assertEquals(List.of(
        "sentry-trace_id=" + TRACE,
        "sentry-public_key=49d0f7386ad645858ae85020e393bef3",
        "sentry-sample_rate=0.25",
        "sentry-sample_rand=0.123456",
        "sentry-sampled=true",
        "sentry-release=my-app%401.0.0%2Babc",
        "sentry-environment=prod",
        "sentry-org_id=1",
        "sentry-transaction=GET%20%2Fusers%2F%7Bid%7D"), full().toBaggageMembers());
  }

  @Test
  void baggageRoundTrip() {
    DynamicSamplingContext dsc = full().toBuilder().set("replay_id", "r 1").build();
    String header = dsc.toBaggageValue();
    DynamicSamplingContext back = DynamicSamplingContext.fromBaggage(Baggage.parse(header));
    assertEquals(dsc, back);
    assertEquals(dsc.hashCode(), back.hashCode());
    assertEquals("r 1", back.extra().get("replay_id"));
    assertEquals("GET /users/{id}", back.transaction());
    assertEquals("my-app@1.0.0+abc", back.release());
  }

  @Test
  void fromBaggageReadsSentryMembersOnly() {
    DynamicSamplingContext dsc = DynamicSamplingContext.fromBaggage(Baggage.parse(
        "other=1,sentry-trace_id=" + TRACE + ",sentry-sampled=false,sentry-sample_rate=0.5,"
            + "sentry-user_segment=vip"));
    assertEquals(TRACE, dsc.traceId());
    assertEquals(Boolean.FALSE, dsc.sampled());
    assertEquals("0.5", dsc.sampleRate());
    assertEquals(Map.of("user_segment", "vip"), dsc.extra());
    assertNull(dsc.release());
  }

  @Test
  void fromBaggageWithoutSentryMembersIsNull() {
    assertNull(DynamicSamplingContext.fromBaggage(Baggage.parse("other=1")));
    assertNull(DynamicSamplingContext.fromBaggage(Baggage.EMPTY));
    assertNull(DynamicSamplingContext.fromBaggage(null));
  }

  @Test
  void sampledOtherThanTrueOrFalseIsIgnored() {
    assertNull(DynamicSamplingContext.fromBaggage(Baggage.parse("sentry-sampled=1")).sampled());
    assertNull(DynamicSamplingContext.fromBaggage(Baggage.parse("sentry-sampled=TRUE")).sampled());
    assertEquals(Boolean.TRUE,
        DynamicSamplingContext.fromBaggage(Baggage.parse("sentry-sampled=true")).sampled());
  }

  @Test
  void writesTheEnvelopeTraceHeader() {
    String json = full().writeJson(new JsonWriter()).toString();
    assertEquals("{\"trace_id\":\"" + TRACE + "\","
        + "\"public_key\":\"49d0f7386ad645858ae85020e393bef3\","
        + "\"sample_rate\":\"0.25\",\"sample_rand\":\"0.123456\",\"sampled\":\"true\","
        + "\"release\":\"my-app@1.0.0+abc\",\"environment\":\"prod\",\"org_id\":\"1\","
        + "\"transaction\":\"GET /users/{id}\"}", json);
  }

  @Test
  void writesJsonNestedInAnEnvelopeHeader() {
    JsonWriter w = new JsonWriter().beginObject().name("event_id").value("e").name("trace");
    DynamicSamplingContext.builder().traceId(TRACE).sampled(false).build().writeJson(w);
    w.endObject();
    assertEquals("{\"event_id\":\"e\",\"trace\":{\"trace_id\":\"" + TRACE
        + "\",\"sampled\":\"false\"}}", w.toString());
  }

  @Test
  void emptyDscWritesEmptyObjectAndNoBaggage() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().build();
    assertEquals("{}", dsc.writeJson(new JsonWriter()).toString());
    assertNull(dsc.toBaggageValue());
  }

  @Test
  void toBuilderCopiesAndIsIndependent() {
    DynamicSamplingContext a = full();
    DynamicSamplingContext b = a.toBuilder().release("2").build();
    assertEquals("my-app@1.0.0+abc", a.release());
    assertEquals("2", b.release());
    assertNotEquals(a, b);
    assertEquals(a, a.toBuilder().build());
  }

  @Test
  void setRoutesKnownKeysAndRemovesExtraOnEmpty() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .set("org_id", "7").set("x", "1").set("x", null).set("", "ignored").build();
    assertEquals("7", dsc.orgId());
    assertEquals(Map.of(), dsc.extra());
    assertThrows(NullPointerException.class, () -> DynamicSamplingContext.builder().set(null, "v"));
  }

  @Test
  void extraIsImmutable() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().set("a", "1").build();
    assertThrows(UnsupportedOperationException.class, () -> dsc.extra().put("b", "2"));
  }

  @Test
  void knownKeysWinOverExtraInTheMap() {
    // extra cannot hold a known key: set() routes it to the field
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().set("release", "1").build();
    assertEquals(Map.of("release", "1"), dsc.toMap());
    assertEquals(Map.of(), dsc.extra());
  }
}
