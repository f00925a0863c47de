package dev.spindle.demo;

import dev.spindle.SpanClock;
import java.time.Duration;

/**
 * The clock of a machine whose wall clock runs {@code offset} ahead: set with
 * {@code SpindleOptions.setClock}, so every timestamp the service sends is what a machine with a
 * fast clock would send. Durations are measured as always, by the monotonic clock.
 */
final class SkewedClock implements SpanClock {
  private final long offsetMicros;

  SkewedClock(Duration offset) {
    this.offsetMicros = offset.toNanos() / 1_000;
  }

  @Override
  public long wallMicros() {
    return SpanClock.SYSTEM.wallMicros() + offsetMicros;
  }

  @Override
  public long nanoTime() {
    return SpanClock.SYSTEM.nanoTime();
  }
}
