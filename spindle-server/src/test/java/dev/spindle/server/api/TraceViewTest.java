package dev.spindle.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.TraceData;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceViewTest {
  private static final String TRACE = "a".repeat(32);
  private static final long T0 = 1_700_000_000_000_000L;

  private static SpanRow.Builder row(String spanId, String parent, long startMs, long endMs) {
    return SpanRow.builder().projectId(1).traceId(TRACE).spanId(spanId).parentSpanId(parent)
        .startUs(T0 + startMs * 1000).endUs(T0 + endMs * 1000);
  }

  private static SpanRow segment(String spanId, String parent, long startMs, long endMs) {
    return row(spanId, parent, startMs, endMs).segment(true).segmentId(spanId + spanId).transaction("tx-" + spanId).build();
  }

  private static JsonNode tx(JsonNode out, String spanId) {
    for (JsonNode t : out.get("transactions")) if (t.get("spanId").asText().equals(spanId)) return t;
    throw new AssertionError(spanId);
  }

  @Test
  void shiftsComposeDownTheTreeAndEndAfterIsPulledBack() {
    String a = "a000000000000001";
    String aChild = "a000000000000002";
    String b = "b000000000000001";
    String bChild = "b000000000000002";
    String c = "c000000000000001";
    // A [0, 1000] calls out from aChild [100, 500].
    // B (another host, clock ahead) claims [700, 900]: it ends after aChild, fits inside -> shifted by -400.
    // C hangs from bChild [750, 800] and claims [760, 790]: shifted with B by -400, nothing more.
    TraceData t = new TraceData(TRACE, List.of(
        segment(a, null, 0, 1000),
        row(aChild, a, 100, 500).segmentId(a + a).build(),
        segment(b, aChild, 700, 900),
        row(bChild, b, 750, 800).segmentId(b + b).build(),
        segment(c, bChild, 760, 790)), List.of());
    JsonNode out = TraceView.render(t);
    JsonNode tb = tx(out, b);
    assertEquals(-400.0, tb.get("skewAdjustedMs").asDouble(), 1e-9);
    assertEquals((T0 + 300_000) / 1e6, tb.get("startTimestamp").asDouble(), 1e-6);
    assertEquals((T0 + 350_000) / 1e6, tb.get("spans").get(0).get("startTimestamp").asDouble(), 1e-6);
    JsonNode tc = tx(out, c);
    assertTrue(tc.get("skewAdjustedMs").isNull(), "no extra shift of its own");
    assertEquals((T0 + 360_000) / 1e6, tc.get("startTimestamp").asDouble(), 1e-6, "inherits B's shift");
    assertTrue(tx(out, a).get("skewAdjustedMs").isNull());
    assertFalse(tx(out, a).get("orphan").asBoolean());
    assertEquals(List.of(a, b, c), List.of(out.get("transactions").get(0).get("spanId").asText(),
        out.get("transactions").get(1).get("spanId").asText(), out.get("transactions").get(2).get("spanId").asText()));
  }

  @Test
  void longerChildIsNotSqueezedAndSpansFindTheirTransactionByAncestry() {
    String a = "a000000000000001";
    String aChild = "a000000000000002";
    String b = "b000000000000001";
    String deep = "b000000000000009";
    String deeper = "b00000000000000a";
    // B runs longer than the span that started it (async work): not clock skew.
    TraceData t = new TraceData(TRACE, List.of(
        segment(a, null, 0, 1000),
        row(aChild, a, 100, 200).segmentId(a + a).build(),
        segment(b, aChild, 150, 5000),
        row(deep, b, 200, 300).build(), // no segment id (OTLP span exported alone)
        row(deeper, deep, 210, 220).build(),
        row("f000000000000001", "f000000000000002", 0, 1).build()), List.of());
    JsonNode out = TraceView.render(t);
    JsonNode tb = tx(out, b);
    assertTrue(tb.get("skewAdjustedMs").isNull());
    assertEquals(2, tb.get("spans").size());
    assertEquals(1, out.get("looseSpans").size());
  }
}
