package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpindleOptionsTest {
  @Test
  void defaults() {
    SpindleOptions o = new SpindleOptions();
    assertTrue(o.isEnabled());
    assertNull(o.getDsn());
    assertNull(o.getTracesSampleRate());
    assertTrue(o.isPropagateTraceparent());
    assertTrue(o.isPropagateSentryHeaders());
    assertEquals(1000, o.getMaxSpans());
    assertFalse(o.isSendDefaultPii());
    assertEquals(1000, o.getMaxQueueSize());
    assertNull(o.getSpoolDirectory());
    assertEquals(Duration.ofSeconds(2), o.getShutdownTimeout());
    assertNull(o.getTracePropagationTargets(), "null matches every URL");
    assertSame(SpanClock.SYSTEM, o.getClock());
  }

  @Test
  void badValuesInCodeAreReportedOnceAndIgnored() {
    long before = Misuse.count("tracesSampleRate: 1.5 (expected: 0.0..1.0); the option keeps its value");
    SpindleOptions o = new SpindleOptions().setTracesSampleRate(0.5).setTracesSampleRate(1.5)
        .setMaxSpans(-1).setMaxQueueSize(0).setSpoolMaxBytes(-1)
        .setShutdownTimeout(Duration.ofSeconds(-1)).setOpenChildrenTimeout(null)
        .setTag(null, "v").setTag("k", null).setClock(null)
        .setTracePropagationTargets(java.util.Arrays.asList("a", null));
    assertEquals(before + 1,
        Misuse.count("tracesSampleRate: 1.5 (expected: 0.0..1.0); the option keeps its value"));
    assertEquals(0.5, o.getTracesSampleRate());
    assertEquals(SpindleOptions.DEFAULT_MAX_SPANS, o.getMaxSpans());
    assertEquals(SpindleOptions.DEFAULT_MAX_QUEUE_SIZE, o.getMaxQueueSize());
    assertEquals(SpindleOptions.DEFAULT_SPOOL_MAX_BYTES, o.getSpoolMaxBytes());
    assertEquals(SpindleOptions.DEFAULT_SHUTDOWN_TIMEOUT, o.getShutdownTimeout());
    assertEquals(SpindleOptions.DEFAULT_OPEN_CHILDREN_TIMEOUT, o.getOpenChildrenTimeout());
    assertTrue(o.getTags().isEmpty());
    assertSame(SpanClock.SYSTEM, o.getClock());
    assertNull(o.getTracePropagationTargets());
    assertTrue(Misuse.count("maxSpans: -1 (expected: >= 0); the option keeps its value") >= 1);
    assertTrue(Misuse.count("clock: null (expected: a SpanClock); the option keeps its value") >= 1);
  }
}
