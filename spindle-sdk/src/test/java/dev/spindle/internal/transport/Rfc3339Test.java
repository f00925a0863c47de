package dev.spindle.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void formatsAsTheReferenceFormatterForAnyInstant() {
    assertEquals("2024-01-01T00:00:00.000Z", Rfc3339.format(Instant.parse("2024-01-01T00:00:00Z")));
    assertEquals("1969-12-31T23:59:59.999Z", Rfc3339.format(Instant.ofEpochMilli(-1)));
    assertEquals("2024-02-29T13:05:09.123Z", Rfc3339.format(Instant.parse("2024-02-29T13:05:09.123456789Z")));
    Random random = new Random(3);
    long min = Instant.parse("-0002-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("+10002-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)),
          random.nextInt(1_000_000_000));
      assertEquals(REFERENCE.format(t), Rfc3339.format(t), t.toString());
    }
  }
}
