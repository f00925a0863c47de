package dev.spindle;

import java.time.Instant;

/**
 * Time for spans: a transaction reads the wall clock once, and every span of it is placed by
 * monotonic offsets from that reading, so durations never go negative when the wall clock steps.
 */
interface SpanClock {
  SpanClock SYSTEM = new SpanClock() {
    @Override
    public long wallMicros() {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  };

  /** Microseconds since the epoch. */
  long wallMicros();

  /** A monotonic reading in nanoseconds. */
  long nanoTime();
}
