package dev.spindle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.SpanClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void movesOnlyWhenTold() {
    ManualClock clock = new ManualClock(Instant.parse("2030-05-06T07:08:09.123456Z"));
    long nanos = clock.nanoTime();
    assertEquals(Instant.parse("2030-05-06T07:08:09.123456Z"), clock.now());
    assertEquals(nanos, clock.nanoTime());
    clock.advance(Duration.ofNanos(1_500));
    assertEquals(nanos + 1_500, clock.nanoTime());
    assertEquals(Instant.parse("2030-05-06T07:08:09.123457500Z"), clock.now());
    assertEquals(SpanClock.micros(Instant.parse("2030-05-06T07:08:09.123457Z")), clock.wallMicros());
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofMillis(-1)));
  }
}
