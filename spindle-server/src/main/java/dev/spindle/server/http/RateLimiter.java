package dev.spindle.server.http;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests per key (a client address, a project, a DSN key) and minute: a token bucket per key
 * holding {@code perMinute} requests, refilled at {@code perMinute} a minute. Keys whose bucket is
 * full again are forgotten when the table reaches {@link #MAX_KEYS}.
 */
public final class RateLimiter {
  static final int MAX_KEYS = 10_000;

  private static final class Bucket {
    double attempts;
    long atMs;
  }

  private final int perMinute;
  private final LongSupplier clock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  public RateLimiter(int perMinute, LongSupplier clock) {
    if (perMinute <= 0) throw new IllegalArgumentException("per minute: " + perMinute + " (expected: > 0)");
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Takes a request for {@code key}: 0 when allowed, else the seconds until one is. */
  public synchronized long acquire(String key) {
    long now = clock.getAsLong();
    if (buckets.size() >= MAX_KEYS) {
      buckets.values().removeIf(b -> refill(b, now) >= perMinute);
      if (buckets.size() >= MAX_KEYS) buckets.clear();
    }
    Bucket b = buckets.computeIfAbsent(key, a -> {
      Bucket x = new Bucket();
      x.attempts = perMinute;
      x.atMs = now;
      return x;
    });
    b.attempts = refill(b, now);
    b.atMs = now;
    if (b.attempts >= 1) {
      b.attempts -= 1;
      return 0;
    }
    double msPerAttempt = 60_000.0 / perMinute;
    return Math.max(1, (long) Math.ceil((1 - b.attempts) * msPerAttempt / 1000 - 1e-9));
  }

  private double refill(Bucket b, long now) {
    return Math.min(perMinute, b.attempts + (now - b.atMs) * perMinute / 60_000.0);
  }
}
