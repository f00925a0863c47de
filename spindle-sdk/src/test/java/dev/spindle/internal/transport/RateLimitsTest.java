package dev.spindle.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  final Instant start = Instant.parse("2024-01-01T00:00:00Z");
  final MutableClock clock = new MutableClock(start);
  final RateLimits limits = new RateLimits(clock);

  @Test
  void parsesCategoriesScopesAndReasons() {
    limits.update(200, "60:transaction;span:organization:quota_exceeded, 10::key, "
        + "120:error:project", null);
    assertEquals(start.plusSeconds(60), limits.limitedUntil("transaction"));
    assertEquals(start.plusSeconds(60), limits.limitedUntil("span"));
    assertEquals(start.plusSeconds(120), limits.limitedUntil("error"));
    assertTrue(limits.isLimited("default")); // the 10 s limit with empty categories = all
    clock.advance(Duration.ofSeconds(11));
    assertFalse(limits.isLimited("default"));
    assertFalse(limits.isAllLimited());
    assertTrue(limits.isLimited("transaction"));
    clock.advance(Duration.ofSeconds(50));
    assertFalse(limits.isLimited("transaction"));
    assertTrue(limits.isLimited("error"));
    clock.advance(Duration.ofSeconds(60));
    assertFalse(limits.isLimited("error"));
    assertNull(limits.limitedUntil("error"));
  }

  @Test
  void emptyCategoriesLimitEverythingIncludingInternal() {
    limits.update(429, "30::organization", null);
    assertTrue(limits.isAllLimited());
    assertTrue(limits.isLimited("transaction"));
    assertTrue(limits.isLimited(null));
  }

  @Test
  void internalCategoryIsNotLimitedByCategoryLimits() {
    limits.update(200, "30:transaction:organization", null);
    assertFalse(limits.isLimited(null));
  }

  @Test
  void status429WithoutHeadersLimitsAllFor60Seconds() {
    limits.update(429, null, null);
    assertEquals(start.plusSeconds(60), limits.limitedUntil("span"));
    clock.advance(Duration.ofSeconds(59));
    assertTrue(limits.isLimited("error"));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(limits.isLimited("error"));
  }

  @Test
  void retryAfterOn429AppliesToAll() {
    limits.update(429, null, "5");
    assertEquals(start.plusSeconds(5), limits.limitedUntil("transaction"));
    limits.update(429, null, "2.5");
    assertEquals(start.plusSeconds(5), limits.limitedUntil("error")); // never shortened
  }

  @Test
  void rateLimitsHeaderTakesPrecedenceOverRetryAfter() {
    limits.update(429, "7:transaction:org", "100");
    assertEquals(start.plusSeconds(7), limits.limitedUntil("transaction"));
    assertFalse(limits.isLimited("error"));
  }

  @Test
  void retryAfterIgnoredOnOtherStatuses() {
    limits.update(503, null, "100");
    limits.update(200, null, "100");
    assertFalse(limits.isLimited("error"));
  }

  @Test
  void malformedPartsAreIgnored() {
    limits.update(200, "abc:transaction:org, :error, 5:Span:org, -3:error:org", null);
    assertFalse(limits.isLimited("transaction"));
    assertFalse(limits.isLimited("error"));
    assertTrue(limits.isLimited("span")); // categories are case-insensitive
    limits.update(429, null, "Wed, 21 Oct 2015 07:28:00 GMT");
    assertEquals(start.plusSeconds(60), limits.limitedUntil("error"));
  }

  @Test
  void decimalSecondsRoundUp() {
    limits.update(200, "0.5:error:org", null);
    assertEquals(start.plusMillis(500), limits.limitedUntil("error"));
  }
}
