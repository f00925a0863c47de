package dev.spindle.propagation;

import dev.spindle.internal.propagation.SentryTraceHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SentryTraceHeaderTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";

  @Test
  void parsesSampled() {
    SentryTraceHeader h = SentryTraceHeader.parse(TRACE + "-" + SPAN + "-1");
    assertNotNull(h);
    assertEquals(TRACE, h.traceId());
    assertEquals(SPAN, h.spanId());
    assertEquals(Boolean.TRUE, h.sampled());
  }

  @Test
  void parsesUnsampled() {
    assertEquals(Boolean.FALSE, SentryTraceHeader.parse(TRACE + "-" + SPAN + "-0").sampled());
  }

  @Test
  void parsesDeferred() {
    SentryTraceHeader h = SentryTraceHeader.parse(TRACE + "-" + SPAN);
    assertNull(h.sampled());
    assertEquals(TRACE + "-" + SPAN, h.value());
  }

  @Test
  void toleratesSpacesAndTabs() {
    SentryTraceHeader h = SentryTraceHeader.parse(" \t " + TRACE + "-" + SPAN + "-1\t \t");
    assertEquals(TRACE, h.traceId());
    assertEquals(Boolean.TRUE, h.sampled());
  }

  @Test
  void acceptsUppercaseHexAndNormalisesToLowercase() {
    SentryTraceHeader h =
        SentryTraceHeader.parse(TRACE.toUpperCase() + "-" + SPAN.toUpperCase() + "-0");
    assertEquals(TRACE, h.traceId());
    assertEquals(SPAN, h.spanId());
    assertEquals(TRACE + "-" + SPAN + "-0", h.value());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      " ",
      "-",
      "4bf92f3577b34da6a3ce929d0e0e4736",
      "4bf92f3577b34da6a3ce929d0e0e4736-",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-2",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-true",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-1",
      "4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7",
      "4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b77",
      "4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_1",
      "4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-1",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-1",
      "00000000000000000000000000000000-00f067aa0ba902b7-1",
      "4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-1",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "\n4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\r",
      "4bf92f3577b34da6a3ce929d0e0e4736 -00f067aa0ba902b7-1",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7 1",
      "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1,4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
      "\u0130bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
  })
  void rejectsMalformedValues(String value) {
    assertNull(SentryTraceHeader.parse(value), value);
  }

  @Test
  void nullIsInvalid() {
    assertNull(SentryTraceHeader.parse(null));
  }

  @Test
  void formats() {
    assertEquals(TRACE + "-" + SPAN + "-1", SentryTraceHeader.format(TRACE, SPAN, true));
    assertEquals(TRACE + "-" + SPAN + "-0", SentryTraceHeader.format(TRACE, SPAN, false));
    assertEquals(TRACE + "-" + SPAN, SentryTraceHeader.format(TRACE, SPAN, null));
  }

  @Test
  void roundTrips() {
    for (Boolean sampled : new Boolean[] {true, false, null}) {
      SentryTraceHeader h = SentryTraceHeader.of(TRACE, SPAN, sampled);
      assertEquals(h, SentryTraceHeader.parse(h.value()));
      assertEquals(h.hashCode(), SentryTraceHeader.parse(h.toString()).hashCode());
    }
  }

  @Test
  void ofValidatesIds() {
    assertThrows(NullPointerException.class, () -> SentryTraceHeader.of(null, SPAN, null));
    assertThrows(IllegalArgumentException.class,
        () -> SentryTraceHeader.of(TRACE.toUpperCase(), SPAN, null));
    assertThrows(IllegalArgumentException.class,
        () -> SentryTraceHeader.of(TRACE, "0000000000000000", null));
  }
}
