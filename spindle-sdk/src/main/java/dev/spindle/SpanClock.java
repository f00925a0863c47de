package dev.spindle;

import java.time.Instant;

/**
 * Time for spans: a transaction reads the wall clock once, and every span of it is placed by
 * monotonic offsets from that reading, so durations never go negative when the wall clock steps.
 * Set one with {@link SpindleOptions#setClock(SpanClock)} — in tests, a clock that moves only
 * when told to makes every timestamp deterministic; for a service whose clock is known to be off,
 * a shifted wall clock. Both methods must be thread-safe and cheap.
 */
public interface SpanClock {
  /** The machine's clocks: {@link Instant#now()} and {@link System#nanoTime()}. */
  SpanClock SYSTEM = new SpanClock() {
    @Override
    public long wallMicros() {
      return micros(Instant.now());
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  };

  /** Microseconds since the epoch. */
  long wallMicros();

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}: only differences count. */
  long nanoTime();

  /** Microseconds since the epoch of {@code time}; ArithmeticException beyond a long's range. */
  static long micros(Instant time) {
    return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
  }
}
