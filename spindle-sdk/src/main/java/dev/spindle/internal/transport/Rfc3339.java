package dev.spindle.internal.transport;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The timestamps of envelope headers and client reports. */
public final class Rfc3339 {
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  /**
   * {@code instant} as RFC 3339 UTC with milliseconds, e.g. {@code 2024-05-01T12:00:00.123Z}.
   * Written by hand for the years 1 to 9999 (once per envelope sent; the formatter allocates
   * several objects per call), by the formatter otherwise.
   */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    if (date.getYear() < 1 || date.getYear() > 9999) return MILLIS.format(instant); // year-of-era
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    byte[] b = new byte[24];
    digits(b, 0, date.getYear(), 4);
    b[4] = '-';
    digits(b, 5, date.getMonthValue(), 2);
    b[7] = '-';
    digits(b, 8, date.getDayOfMonth(), 2);
    b[10] = 'T';
    digits(b, 11, secondOfDay / 3600, 2);
    b[13] = ':';
    digits(b, 14, secondOfDay / 60 % 60, 2);
    b[16] = ':';
    digits(b, 17, secondOfDay % 60, 2);
    b[19] = '.';
    digits(b, 20, instant.getNano() / 1_000_000, 3);
    b[23] = 'Z';
    return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static void digits(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
