package dev.spindle.testing;

import dev.spindle.SpanClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SpanClock} that stands still until told to move, so span times and durations in tests
 * are exact: {@code clock.advance(Duration.ofMillis(30))} between a span's start and finish makes
 * it last 30 ms. Starts at {@link #DEFAULT_START} unless given another instant. Thread-safe.
 */
public final class ManualClock implements SpanClock {
  /** 2025-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

  private final long startMicros;
  /** Nanoseconds since the start. */
  private final AtomicLong elapsed = new AtomicLong();

  public ManualClock() {
    this(DEFAULT_START);
  }

  public ManualClock(Instant start) {
    this.startMicros = SpanClock.micros(Objects.requireNonNull(start, "start"));
  }

  /** Moves the clock forward by {@code amount} (not negative). */
  public ManualClock advance(Duration amount) {
    if (amount.isNegative()) throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0)");
    elapsed.addAndGet(amount.toNanos());
    return this;
  }

  /** The time now. */
  public Instant now() {
    return Instant.EPOCH.plusNanos(startMicros * 1_000 + elapsed.get());
  }

  @Override
  public long wallMicros() {
    return startMicros + elapsed.get() / 1_000;
  }

  @Override
  public long nanoTime() {
    return elapsed.get();
  }
}
