package dev.spindle.internal.transport;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-category rate limits announced by the server. Thread-safe.
 *
 * <ul>
 *   <li>{@code X-Sentry-Rate-Limits: <seconds>:<cat1;cat2>:<scope>[:<reason>], ...} — empty
 *       categories mean all categories; it may arrive on any response, including 200. When
 *       present it takes precedence over {@code Retry-After}.
 *   <li>{@code Retry-After: <seconds>} on a 429 applies to all categories (as in sentry-java,
 *       it is not honoured on other statuses: a 503 is retried with backoff instead).
 *   <li>429 without either header limits everything for 60 seconds.
 * </ul>
 *
 * <p>Limits only ever extend: a shorter new limit does not shorten an existing one. Expiry is
 * measured with the injected clock.
 */
final class RateLimits {
  /** Key used for a limit on all categories. */
  static final String ALL = "";
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

  private final Clock clock;
  private final Map<String, Instant> limitedUntil = new ConcurrentHashMap<>();

  RateLimits(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** Applies the rate-limit information of one response. Malformed parts are ignored. */
  void update(int status, String rateLimitsHeader, String retryAfterHeader) {
    Instant now = clock.instant();
    if (rateLimitsHeader != null && !rateLimitsHeader.isBlank()) {
      parseRateLimits(rateLimitsHeader, now);
    } else if (status == 429) {
      Duration d = parseRetryAfter(retryAfterHeader);
      extend(ALL, now.plus(d == null ? DEFAULT_RETRY_AFTER : d));
    }
  }

  private void parseRateLimits(String header, Instant now) {
    for (String limit : header.split(",")) {
      String[] parts = limit.trim().split(":", -1);
      if (parts.length < 1 || parts[0].isBlank()) continue;
      Duration d = parseSeconds(parts[0].trim());
      if (d == null) continue;
      Instant until = now.plus(d);
      String categories = parts.length > 1 ? parts[1].trim() : "";
      if (categories.isEmpty()) {
        extend(ALL, until);
        continue;
      }
      for (String category : categories.split(";")) {
        String c = category.trim().toLowerCase(Locale.ROOT);
        if (!c.isEmpty()) extend(c, until);
      }
    }
  }

  /** Seconds as an integer or decimal; null when it is not a number (e.g. an HTTP date). */
  static Duration parseRetryAfter(String header) {
    if (header == null) return null;
    return parseSeconds(header.trim());
  }

  private static Duration parseSeconds(String s) {
    try {
      double seconds = Double.parseDouble(s);
      if (!(seconds >= 0) || Double.isInfinite(seconds)) return null;
      return Duration.ofMillis((long) Math.ceil(seconds * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void extend(String category, Instant until) {
    limitedUntil.merge(category, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * True while items of {@code category} must not be sent. A null category (internal items such
   * as client reports) is limited only by an all-categories limit.
   */
  boolean isLimited(String category) {
    Instant now = clock.instant();
    if (isActive(ALL, now)) return true;
    return category != null && isActive(category, now);
  }

  /** True while every category is limited. */
  boolean isAllLimited() {
    return isActive(ALL, clock.instant());
  }

  /** When the limit on {@code category} (or all) ends, or null when it is not limited now. */
  Instant limitedUntil(String category) {
    Instant now = clock.instant();
    Instant all = active(ALL, now);
    Instant own = category == null ? null : active(category, now);
    if (all == null) return own;
    if (own == null) return all;
    return all.isAfter(own) ? all : own;
  }

  private boolean isActive(String key, Instant now) {
    return active(key, now) != null;
  }

  private Instant active(String key, Instant now) {
    Instant until = limitedUntil.get(key);
    if (until == null) return null;
    if (until.isAfter(now)) return until;
    limitedUntil.remove(key, until);
    return null;
  }
}
