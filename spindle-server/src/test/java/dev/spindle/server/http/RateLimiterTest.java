package dev.spindle.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  void tenAMinutePerKeyThenTheWait() {
    AtomicLong now = new AtomicLong(5_000_000);
    RateLimiter l = new RateLimiter(10, now::get);
    for (int i = 0; i < 10; i++) assertEquals(0, l.acquire("10.0.0.1"), "attempt " + i);
    assertEquals(6, l.acquire("10.0.0.1"), "one attempt every 6 s after the burst");
    assertEquals(0, l.acquire("10.0.0.2"), "another address is not limited");
    now.addAndGet(3_000);
    assertEquals(3, l.acquire("10.0.0.1"));
    now.addAndGet(3_500);
    assertEquals(0, l.acquire("10.0.0.1"));
    assertEquals(6, l.acquire("10.0.0.1"));
    now.addAndGet(60_000);
    for (int i = 0; i < 10; i++) assertEquals(0, l.acquire("10.0.0.1"), "refilled after a minute: " + i);
  }

  @Test
  void theKeyTableIsBounded() {
    AtomicLong now = new AtomicLong(0);
    RateLimiter l = new RateLimiter(1, now::get);
    for (int i = 0; i < RateLimiter.MAX_KEYS * 2; i++) assertEquals(0, l.acquire("a" + i));
  }
}
