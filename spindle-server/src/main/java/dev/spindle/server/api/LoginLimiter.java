package dev.spindle.server.api;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Sign-in attempts per client address: a token bucket per address holding {@code perMinute}
 * attempts, refilled at {@code perMinute} a minute. Addresses whose bucket is full again are
 * forgotten when the table reaches {@link #MAX_ADDRESSES}.
 */
final class LoginLimiter {
  static final int MAX_ADDRESSES = 10_000;

  private static final class Bucket {
    double attempts;
    long atMs;
  }

  private final int perMinute;
  private final LongSupplier clock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  LoginLimiter(int perMinute, LongSupplier clock) {
    if (perMinute <= 0) throw new IllegalArgumentException("login attempts per minute: " + perMinute + " (expected: > 0)");
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Takes an attempt for {@code address}: 0 when allowed, else the seconds until one is. */
  synchronized long acquire(String address) {
    long now = clock.getAsLong();
    if (buckets.size() >= MAX_ADDRESSES) {
      buckets.values().removeIf(b -> refill(b, now) >= perMinute);
      if (buckets.size() >= MAX_ADDRESSES) buckets.clear();
    }
    Bucket b = buckets.computeIfAbsent(address, a -> {
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
