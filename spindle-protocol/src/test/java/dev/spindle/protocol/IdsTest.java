package dev.spindle.protocol;

import dev.spindle.protocol.internal.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";

  @Test
  void generatedIdsFollowTheRule() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String t = Ids.newTraceId();
      String s = Ids.newSpanId();
      assertTrue(Ids.isValidTraceId(t), t);
      assertTrue(Ids.isValidSpanId(s), s);
      assertTrue(Ids.isValidTraceId(Ids.newEventId()));
      assertTrue(seen.add(t));
    }
    assertEquals("000000000000002a", Ids.toHex(42));
    assertEquals("ffffffffffffffff", Ids.toHex(-1));
  }

  @Test
  void theRule() {
    assertTrue(Ids.isValidTraceId(TRACE));
    assertTrue(Ids.isValidSpanId(SPAN));
    assertFalse(Ids.isValidTraceId("0".repeat(32)), "all zeros");
    assertFalse(Ids.isValidSpanId("0".repeat(16)), "all zeros");
    assertFalse(Ids.isValidTraceId(TRACE.toUpperCase()), "uppercase is not canonical");
    assertFalse(Ids.isValidTraceId(TRACE + "0"), "too long");
    assertFalse(Ids.isValidSpanId(SPAN.substring(1)), "too short");
    assertFalse(Ids.isValidSpanId(TRACE), "a trace id is not a span id");
    assertFalse(Ids.isValidSpanId("00f067aa0ba902bg"), "not hex");
    assertFalse(Ids.isValidSpanId(null));
    assertTrue(Ids.isValid("01", 2));
  }

  @Test
  void checkNamesTheFieldAndLetsNullThrough() {
    assertSame(TRACE, Ids.check(TRACE, 32, "traceId"));
    assertNull(Ids.check(null, 16, "parentSpanId"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ids.check("0".repeat(16), 16, "spanId"));
    assertEquals("spanId: '0000000000000000' (expected: 16 lowercase hex, not all zeros)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Ids.check(TRACE.toUpperCase(), 32, "t"));
  }

  @Test
  void parsersNormalizeInOnePass() {
    assertSame(TRACE, Ids.traceId(TRACE), "canonical input is returned as is");
    assertEquals(TRACE, Ids.traceId(TRACE.toUpperCase()));
    assertEquals(TRACE, Ids.traceId(new StringBuilder("4BF92F3577B34DA6a3ce929d0e0e4736")));
    assertEquals(SPAN, Ids.spanId("00F067AA0BA902B7"));
    assertNull(Ids.traceId("0".repeat(32)));
    assertNull(Ids.spanId("0".repeat(16)));
    assertNull(Ids.spanId(SPAN + "0"));
    assertNull(Ids.spanId(" " + SPAN.substring(1)));
    assertNull(Ids.traceId("4bf92f35-77b3-4da6-a3ce-929d0e0e4736"), "dashes only in event ids");
    assertNull(Ids.spanId("00f067aa0ba902bG"));
    assertNull(Ids.traceId((String) null));
  }

  @Test
  void eventIdsAcceptAUuidsDashes() {
    assertEquals(TRACE, Ids.eventId(TRACE));
    assertEquals(TRACE, Ids.eventId("4bf92f35-77b3-4da6-a3ce-929d0e0e4736"));
    assertEquals(TRACE, Ids.eventId("4BF92F35-77B3-4DA6-A3CE-929D0E0E4736"));
    assertNull(Ids.eventId("4bf92f3577b3-4da6-a3ce-929d0e0e4736"), "31 hex and three dashes");
    assertNull(Ids.eventId("4bf92f357-7b3-4da6-a3ce-929d0e0e4736"), "a dash out of place");
    assertNull(Ids.eventId("4bf92f35x77b3-4da6-a3ce-929d0e0e4736"));
    assertNull(Ids.eventId("00000000-0000-0000-0000-000000000000"));
    assertNull(Ids.eventId("zz"));
  }

  @Test
  void binaryIds() {
    byte[] trace = new byte[16];
    byte[] span = new byte[8];
    assertNull(Ids.traceId(trace), "all zeros");
    assertNull(Ids.spanId(span), "all zeros");
    trace[15] = 1;
    span[0] = (byte) 0xab;
    assertEquals("00000000000000000000000000000001", Ids.traceId(trace));
    assertEquals("ab00000000000000", Ids.spanId(span));
    assertNull(Ids.spanId(trace), "wrong length");
    assertNull(Ids.traceId(span), "wrong length");
    assertNull(Ids.traceId(new byte[0]));
    assertNull(Ids.spanId((byte[]) null));
  }
}
