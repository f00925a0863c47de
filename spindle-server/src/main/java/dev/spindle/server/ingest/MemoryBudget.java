package dev.spindle.server.ingest;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory held by ingestion requests in flight: request bodies (after decompression)
 * are charged as they are read and released when the request is answered, after its rows were
 * committed. When the budget is spent, a request waits briefly and then gets 503 with
 * {@code Retry-After}, so many large concurrent bodies cannot exhaust the heap.
 */
final class MemoryBudget {
  private static final int UNIT = 1024;
  private final Semaphore permits;
  private final int totalUnits;

  MemoryBudget(long bytes) {
    if (bytes < UNIT) throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= " + UNIT + ")");
    this.totalUnits = (int) Math.min(Integer.MAX_VALUE, bytes / UNIT);
    this.permits = new Semaphore(totalUnits);
  }

  Lease lease() {
    return new Lease();
  }

  /** One request's share; {@link #close()} returns it. Not thread-safe (one request thread). */
  final class Lease implements AutoCloseable {
    private long bytes;
    private int units;

    /** Charges {@code n} more bytes, waiting up to a second; 503 when the budget stays spent. */
    void charge(long n) {
      bytes += n;
      int needed = (int) Math.min(totalUnits, (bytes + UNIT - 1) / UNIT) - units;
      if (needed <= 0) return;
      boolean ok;
      try {
        ok = permits.tryAcquire(needed, 1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ok = false;
      }
      if (!ok) throw IngestException.overloaded("too much ingestion data in flight; retry later", 2);
      units += needed;
    }

    @Override
    public void close() {
      if (units > 0) permits.release(units);
      units = 0;
    }
  }
}
