package dev.spindle.propagation;

import dev.spindle.internal.propagation.SentryTraceHeader;
import dev.spindle.internal.propagation.Traceparent;
import dev.spindle.internal.propagation.Tracestate;
import dev.spindle.internal.propagation.TracePropagator;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.spindle.protocol.internal.Ids;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary request headers, one {@code name: value} per line (a name may repeat), through the
 * SDK's extractors: {@code sentry-trace}, {@code traceparent}, {@code baggage} and
 * {@code tracestate} parse to valid values or to nothing and never throw; what they keep parses
 * back to itself; and {@link TracePropagator#extract} continues a trace exactly when one of the
 * trace headers is valid (its catch-all would otherwise hide a crash as "no trace").
 */
class HeaderExtractionFuzzTest {
  private static final TracePropagator PROPAGATOR = TracePropagator.create(true, true);

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void extract(byte[] data) {
    Map<String, List<String>> headers = headers(new String(data, UTF_8));
    List<String> sentryTraces = headers.getOrDefault(Propagation.SENTRY_TRACE, List.of());
    SentryTraceHeader sentryTrace = SentryTraceHeader.parse(sentryTraces.isEmpty() ? null : sentryTraces.get(0));
    if (sentryTrace != null) {
      assertTrue(Ids.isValidTraceId(sentryTrace.traceId()) && Ids.isValidSpanId(sentryTrace.spanId()));
      assertEquals(sentryTrace, SentryTraceHeader.parse(sentryTrace.value()));
    }
    Traceparent traceparent = Traceparent.parse(headers.get(Propagation.TRACEPARENT));
    if (traceparent != null) {
      assertTrue(Ids.isValidTraceId(traceparent.traceId()) && Ids.isValidSpanId(traceparent.parentId()));
      assertEquals(traceparent.traceId(), Traceparent.parse(traceparent.value()).traceId());
    }
    Baggage baggage = Baggage.parse(headers.get(Propagation.BAGGAGE));
    assertTrue(baggage.members().size() <= Baggage.MAX_MEMBERS);
    assertEquals(baggage.value(), Baggage.parse(baggage.value()).value());
    DynamicSamplingContext.fromBaggage(baggage);
    Tracestate tracestate = Tracestate.parse(headers.get(Propagation.TRACESTATE));
    if (tracestate != null) {
      assertTrue(tracestate.size() <= Tracestate.MAX_MEMBERS);
      assertEquals(tracestate.value(), Tracestate.parse(tracestate.value()).value());
    }
    assertEquals(tracestate == null ? null : tracestate.value(),
        Tracestate.forward(headers.get(Propagation.TRACESTATE)), "forward() agrees with parse()");

    IncomingTrace incoming = PROPAGATOR.extract(headers, Propagation.multiMapGetter());
    assertEquals(sentryTrace != null || traceparent != null, incoming != null,
        () -> "extract() disagrees with the parsers on " + headers);
    if (incoming != null) {
      assertNotNull(incoming.traceId());
      assertNotNull(incoming.tracestate());
    }
  }

  /** {@code name: value} lines; the value as is after the colon and one space, so that its own blanks reach the parsers. */
  private static Map<String, List<String>> headers(String text) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String value = line.startsWith(" ", colon + 1) ? line.substring(colon + 2) : line.substring(colon + 1);
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    }
    return headers;
  }
}
