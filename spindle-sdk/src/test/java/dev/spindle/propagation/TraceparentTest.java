package dev.spindle.propagation;

import dev.spindle.internal.propagation.Traceparent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceparentTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";

  @Test
  void parsesVersion00Sampled() {
    Traceparent tp = Traceparent.parse("00-" + TRACE + "-" + SPAN + "-01");
    assertNotNull(tp);
    assertEquals("00", tp.version());
    assertEquals(TRACE, tp.traceId());
    assertEquals(SPAN, tp.parentId());
    assertEquals(1, tp.flags());
    assertTrue(tp.sampled());
  }

  @Test
  void parsesVersion00NotSampled() {
    Traceparent tp = Traceparent.parse("00-" + TRACE + "-" + SPAN + "-00");
    assertFalse(tp.sampled());
  }

  @Test
  void sampledIsBitZeroOfFlags() {
    assertTrue(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-ff").sampled());
    assertTrue(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-03").sampled());
    assertFalse(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-02").sampled());
    assertFalse(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-fe").sampled());
    assertEquals(0xfe, Traceparent.parse("00-" + TRACE + "-" + SPAN + "-fe").flags());
  }

  @Test
  void toleratesOptionalWhitespace() {
    Traceparent tp = Traceparent.parse(" \t00-" + TRACE + "-" + SPAN + "-01\t ");
    assertEquals(TRACE, tp.traceId());
  }

  @Test
  void futureVersionWithExtraFieldsIsAccepted() {
    Traceparent tp = Traceparent.parse("cc-" + TRACE + "-" + SPAN + "-01-what-the-future-will-be-like");
    assertNotNull(tp);
    assertEquals("cc", tp.version());
    assertEquals(TRACE, tp.traceId());
    assertTrue(tp.sampled());
    // forwarded as version 00 with only the sampled flag
    assertEquals("00-" + TRACE + "-" + SPAN + "-01", tp.value());
  }

  @Test
  void futureVersionWithoutExtraFieldsIsAccepted() {
    assertNotNull(Traceparent.parse("01-" + TRACE + "-" + SPAN + "-00"));
    assertNotNull(Traceparent.parse("fe-" + TRACE + "-" + SPAN + "-09"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "00",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-not-be-like",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      ".0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-.1",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1.",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473.-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b.-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-701",
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what-the-future-will-be-like",
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
      "cc-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01-x",
      "\n00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  })
  void rejectsInvalidValues(String value) {
    assertNull(Traceparent.parse(value), value);
  }

  @Test
  void nullIsInvalid() {
    assertNull(Traceparent.parse((String) null));
    assertNull(Traceparent.parse((List<String>) null));
  }

  @Test
  void moreThanOneHeaderIsInvalid() {
    String v = "00-" + TRACE + "-" + SPAN + "-01";
    assertNull(Traceparent.parse(Arrays.asList(v, v)));
    assertNull(Traceparent.parse(List.of()));
    assertNotNull(Traceparent.parse(List.of(v)));
  }

  @Test
  void formatsVersion00() {
    assertEquals("00-" + TRACE + "-" + SPAN + "-01", Traceparent.format(TRACE, SPAN, true));
    assertEquals("00-" + TRACE + "-" + SPAN + "-00", Traceparent.format(TRACE, SPAN, false));
    assertEquals("00-" + TRACE + "-" + SPAN + "-01", Traceparent.of(TRACE, SPAN, true).value());
  }

  @Test
  void roundTrips() {
    for (boolean sampled : new boolean[] {true, false}) {
      Traceparent tp = Traceparent.of(TRACE, SPAN, sampled);
      assertEquals(tp, Traceparent.parse(tp.value()));
      assertEquals(tp.hashCode(), Traceparent.parse(tp.toString()).hashCode());
    }
  }

  @Test
  void ofValidatesIds() {
    assertThrows(NullPointerException.class, () -> Traceparent.of(TRACE, null, true));
    assertThrows(IllegalArgumentException.class, () -> Traceparent.of("abc", SPAN, true));
    assertThrows(IllegalArgumentException.class,
        () -> Traceparent.of("00000000000000000000000000000000", SPAN, true));
  }
}
