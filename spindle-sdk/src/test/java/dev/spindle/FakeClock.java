package dev.spindle;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to. The wall clock is read at most once per transaction. */
final class FakeClock implements SpanClock {
  final AtomicLong wallMicros = new AtomicLong(1_700_000_000_000_000L);
  final AtomicLong nanos = new AtomicLong(42);
  final AtomicLong wallReads = new AtomicLong();

  @Override
  public long wallMicros() {
    wallReads.incrementAndGet();
    return wallMicros.get();
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  void advanceMicros(long micros) {
    nanos.addAndGet(micros * 1_000);
    wallMicros.addAndGet(micros);
  }
}
