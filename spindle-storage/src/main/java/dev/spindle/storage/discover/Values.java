package dev.spindle.storage.discover;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses typed query values: durations, numbers, integers and times. */
final class Values {
  private static final Pattern DURATION =
      Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)\\s*(ns|us|ms|s|sec|m|min|h|hr|d|w)?");
  private static final Pattern NUMBER = Pattern.compile("-?\\d{1,15}(?:\\.\\d{1,15})?(%)?");
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern SECONDS = Pattern.compile("\\d{1,12}(?:\\.\\d{1,6})?");

  private Values() {}

  /** {@code 200}, {@code 200ms}, {@code 1.5s}, {@code 2m}... in milliseconds (bare numbers are ms). */
  static double durationMs(String s, String what, int pos) {
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new DiscoverQueryException("invalid duration '" + s + "' for " + what + at(pos)
          + " (expected: a number with an optional unit ns, us, ms, s, m, h, d or w; e.g. 200ms)");
    }
    double v = Double.parseDouble(m.group(1));
    String u = m.group(2) == null ? "ms" : m.group(2);
    switch (u) {
      case "ns": return v / 1e6;
      case "us": return v / 1e3;
      case "s": case "sec": return v * 1e3;
      case "m": case "min": return v * 6e4;
      case "h": case "hr": return v * 3.6e6;
      case "d": return v * 8.64e7;
      case "w": return v * 6.048e8;
      default: return v;
    }
  }

  /** A plain number; {@code 10%} is 0.1. */
  static double number(String s, String what, int pos) {
    Matcher m = NUMBER.matcher(s);
    if (!m.matches()) {
      throw new DiscoverQueryException("invalid number '" + s + "' for " + what + at(pos));
    }
    boolean percent = m.group(1) != null;
    double v = Double.parseDouble(percent ? s.substring(0, s.length() - 1) : s);
    return percent ? v / 100 : v;
  }

  static long integer(String s, String what, int pos) {
    if (!INTEGER.matcher(s).matches()) {
      throw new DiscoverQueryException("invalid integer '" + s + "' for " + what + at(pos));
    }
    return Long.parseLong(s);
  }

  /**
   * A time in microseconds since the epoch: RFC 3339 ({@code 2024-05-01T10:00:00Z}), a local
   * date-time or date (UTC), or seconds since the epoch.
   */
  static long timeUs(String s, String what, int pos) {
    try {
      if (SECONDS.matcher(s).matches()) return Math.round(Double.parseDouble(s) * 1e6);
      Instant i;
      if (s.length() == 10) {
        i = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        i = OffsetDateTime.parse(s).toInstant();
      } else {
        i = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      }
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new DiscoverQueryException("invalid time '" + s + "' for " + what + at(pos)
          + " (expected: RFC 3339 such as 2024-05-01T10:00:00Z, a date, or seconds since the epoch)");
    }
  }

  static String at(int pos) {
    return pos < 0 ? "" : " at position " + pos;
  }
}
