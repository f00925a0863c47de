package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpindleOptionsTest {
  @Test
  void defaults() {
    SpindleOptions o = new SpindleOptions();
    assertNull(o.getDsn());
    assertNull(o.getTracesSampleRate());
    assertFalse(o.isTracingEnabled());
    assertTrue(o.isPropagateTraceparent());
    assertEquals(1000, o.getMaxSpans());
    assertFalse(o.isSendDefaultPii());
    assertEquals(1000, o.getMaxQueueSize());
    assertNull(o.getSpoolDirectory());
    assertEquals(Duration.ofSeconds(2), o.getShutdownTimeout());
    assertNull(o.getTracePropagationTargets(), "null matches every URL");
  }

  @Test
  void readsTheEnvironment() {
    Map<String, String> env = Map.of(
        "SPINDLE_DSN", " http://k@127.0.0.1:8790/1 ",
        "SPINDLE_TRACES_SAMPLE_RATE", "0.25",
        "SPINDLE_TRACE_PROPAGATION_TARGETS", "api.internal, ^https://x/.*",
        "SPINDLE_PROPAGATE_TRACEPARENT", "false",
        "SPINDLE_MAX_SPANS", "50",
        "SPINDLE_SPOOL_DIR", "/var/tmp/spool",
        "SPINDLE_SHUTDOWN_TIMEOUT_MS", "500",
        "SPINDLE_RELEASE", "shop@1",
        "SPINDLE_ENVIRONMENT", "staging");
    SpindleOptions o = SpindleOptions.fromEnvironment(env::get);
    assertEquals("http://k@127.0.0.1:8790/1", o.getDsn());
    assertEquals(0.25, o.getTracesSampleRate());
    assertEquals(List.of("api.internal", "^https://x/.*"), o.getTracePropagationTargets());
    assertFalse(o.isPropagateTraceparent());
    assertEquals(50, o.getMaxSpans());
    assertEquals(Paths.get("/var/tmp/spool"), o.getSpoolDirectory());
    assertEquals(Duration.ofMillis(500), o.getShutdownTimeout());
    assertEquals("shop@1", o.getRelease());
    assertEquals("staging", o.getEnvironment());
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpindleOptions.fromEnvironment(Map.of("SPINDLE_TRACES_SAMPLE_RATE", "lots")::get));
    assertTrue(e.getMessage().startsWith("SPINDLE_TRACES_SAMPLE_RATE"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SpindleOptions().setTracesSampleRate(1.5));
    assertEquals("tracesSampleRate: 1.5 (expected: 0.0..1.0)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SpindleOptions().setMaxSpans(-1));
    assertThrows(IllegalArgumentException.class, () -> new SpindleOptions().setMaxQueueSize(0));
    assertThrows(IllegalArgumentException.class, () -> new SpindleOptions().setShutdownTimeout(Duration.ofSeconds(-1)));
    e = assertThrows(IllegalArgumentException.class,
        () -> Tracer.create(new SpindleOptions().setDsn("not a dsn")));
    assertTrue(e.getMessage().startsWith("dsn: "), e.getMessage());
  }
}
