package dev.spindle.internal.transport;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The timestamps of envelope headers and client reports. */
public final class Rfc3339 {
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  /** {@code instant} as RFC 3339 UTC with milliseconds, e.g. {@code 2024-05-01T12:00:00.123Z}. */
  public static String format(Instant instant) {
    return MILLIS.format(instant);
  }
}
