package dev.spindle.server.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Sentry timestamps: float seconds since the epoch, or RFC 3339 text (UTC when no zone given). */
public final class Timestamps {
  /** Years 1970..2200 in microseconds: anything else is a broken clock or a wrong unit. */
  private static final long MAX_US = 7_258_118_400_000_000L;

  private Timestamps() {}

  /** Microseconds since the epoch, or {@code null} when absent or unreadable. */
  public static Long micros(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (v.isNumber()) return micros(v.asDouble());
    if (v.isTextual()) return micros(v.asText());
    return null;
  }

  /** Microseconds since the epoch of float seconds, or {@code null} when out of range. */
  public static Long micros(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) return null;
    long us = Math.round(seconds * 1_000_000d);
    return us > MAX_US ? null : us;
  }

  /** Microseconds since the epoch of RFC 3339 text or of float seconds as text, or {@code null}. */
  public static Long micros(String text) {
    String t = text.trim();
    if (t.isEmpty()) return null;
    try {
      return check(toMicros(OffsetDateTime.parse(t).toInstant()));
    } catch (DateTimeParseException e) {
      try {
        return check(toMicros(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC)));
      } catch (DateTimeParseException e2) {
        try {
          return micros(Double.parseDouble(t));
        } catch (NumberFormatException e3) {
          return null;
        }
      }
    }
  }

  private static Long check(long us) {
    return us < 0 || us > MAX_US ? null : us;
  }

  public static long toMicros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  /** Seconds with microsecond precision for responses, exact and without an exponent. */
  public static java.math.BigDecimal seconds(long us) {
    return java.math.BigDecimal.valueOf(us, 6);
  }
}
