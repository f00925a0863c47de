package dev.spindle.propagation;

import dev.spindle.internal.propagation.SampleRand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.internal.Ids;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleRandTest {

  @Test
  void formatHasSixDecimalsAndTruncates() {
    assertEquals("0.000000", SampleRand.format(0));
    assertEquals("0.500000", SampleRand.format(0.5));
    assertEquals("0.123456", SampleRand.format(0.123456));
    assertEquals("0.123456", SampleRand.format(0.1234569));
    assertEquals("0.999999", SampleRand.format(0.9999999));
    assertEquals("0.999999", SampleRand.format(0.999999999999));
    assertEquals("0.000003", SampleRand.format(0.000003));
    assertEquals("0.000001", SampleRand.format(0.0000019));
    assertEquals("0.000000", SampleRand.format(0.0000009));
  }

  @Test
  void formatClamps() {
    assertEquals("0.000000", SampleRand.format(-0.5));
    assertEquals("0.000000", SampleRand.format(Double.NaN));
    assertEquals("0.999999", SampleRand.format(1.0));
    assertEquals("0.999999", SampleRand.format(Double.POSITIVE_INFINITY));
  }

  @Test
  void everySixDecimalValueRoundTrips() {
    for (int k = 0; k < 1_000_000; k++) {
      double d = k / 1_000_000.0;
      String s = SampleRand.format(d);
      if (Double.parseDouble(s) != d || SampleRand.parse(s) != d) {
        throw new AssertionError(k + " -> " + s);
      }
    }
  }

  @Test
  void parse() {
    assertEquals(0.5, SampleRand.parse("0.5"));
    assertEquals(0.0, SampleRand.parse("0"));
    assertEquals(0.0, SampleRand.parse("0.000000"));
    assertEquals(0.999999, SampleRand.parse("0.999999"));
    assertEquals(0.25, SampleRand.parse(" 0.25 "));
    assertEquals(0.5, SampleRand.parse(".5"));
    assertEquals(0.00001, SampleRand.parse("1e-05"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "1", "1.0", "1.000000", "2", "-0.1", "+0.1", "NaN", "Infinity", "0x0.8p0",
      "0.5d", "0.5f", "abc", "0.5.1", "0,5", "1e5", "e5", ".", "1e-99999",
  })
  void parseRejects(String s) {
    assertNull(SampleRand.parse(s), s);
  }

  @Test
  void parseNull() {
    assertNull(SampleRand.parse(null));
    assertNull(SampleRand.parseRate(null));
  }

  @Test
  void parseRate() {
    assertEquals(1.0, SampleRand.parseRate("1"));
    assertEquals(1.0, SampleRand.parseRate("1.0"));
    assertEquals(0.0, SampleRand.parseRate("0"));
    assertEquals(0.25, SampleRand.parseRate("0.25"));
    assertEquals(0.00001, SampleRand.parseRate("1e-05"));
    assertNull(SampleRand.parseRate("1.0000001"));
    assertNull(SampleRand.parseRate("-0"));
    assertNull(SampleRand.parseRate("true"));
  }

  @Test
  void fromTraceIdIsDeterministicAndInRange() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String traceId = Ids.newTraceId();
      double r = SampleRand.fromTraceId(traceId);
      assertEquals(r, SampleRand.fromTraceId(traceId));
      assertTrue(r >= 0 && r < 1, traceId);
      assertEquals(r, SampleRand.parse(SampleRand.format(r)), traceId);
      seen.add(SampleRand.format(r));
    }
    assertTrue(seen.size() > 9_900, "values spread out: " + seen.size());
  }

  @Test
  void fromTraceIdUsesTheLast16HexDigits() {
    assertEquals(SampleRand.fromTraceId("0000000000000001ffffffffffffffff"),
        SampleRand.fromTraceId("1111111111111111ffffffffffffffff"));
    assertNotEquals(SampleRand.fromTraceId("00000000000000000000000000000001"),
        SampleRand.fromTraceId("00000000000000000000000000000002"));
  }

  @Test
  void fromTraceIdIsUniformEnough() {
    // sequential ids (not random) still spread over [0, 1): ten buckets, each near 10 %
    int[] buckets = new int[10];
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      String id = String.format("%032x", i + 1);
      buckets[(int) (SampleRand.fromTraceId(id) * 10)]++;
    }
    for (int b : buckets) assertTrue(Math.abs(b - n / 10) < n / 100, "bucket " + b);
  }

  @Test
  void fromTraceIdNeverThrows() {
    for (String s : new String[] {null, "", "xyz", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}) {
      double r = SampleRand.fromTraceId(s);
      assertTrue(r >= 0 && r < 1);
    }
  }

  @Test
  void backfillInvariantHoldsOverManyDraws() {
    Random random = new Random(12345);
    double[] rates = {0.5, 0.1, 0.01337, 1e-6, 5e-7, 0.9999985, 0.0000015, 0.3333333333, 0.999999,
        0.000001, 0.7, 0.25000049};
    for (double rate : rates) {
      for (int i = 0; i < 20_000; i++) {
        boolean sampled = random.nextBoolean();
        double r = SampleRand.backfill(sampled, rate, random);
        // the value as propagated and read back by the next service
        double propagated = SampleRand.parse(SampleRand.format(r));
        assertEquals(r, propagated);
        if (sampled != (propagated < rate)) {
          throw new AssertionError("rate " + rate + " sampled " + sampled + " rand " + r);
        }
        assertTrue(propagated >= 0 && propagated < 1);
      }
    }
  }

  @Test
  void backfillWithRandomRates() {
    Random random = new Random(99);
    for (int i = 0; i < 100_000; i++) {
      double rate = random.nextDouble();
      // above 0.999999 no six-decimal value can say "unsampled": see backfillEdges
      boolean sampled = rate > 0.999999 || random.nextBoolean();
      double r = SampleRand.parse(SampleRand.format(SampleRand.backfill(sampled, rate, random)));
      if (sampled != (r < rate)) {
        throw new AssertionError("rate " + rate + " sampled " + sampled + " rand " + r);
      }
    }
  }

  @Test
  void backfillCoversItsRange() {
    Random random = new Random(1);
    double min = 1;
    double max = 0;
    for (int i = 0; i < 50_000; i++) {
      double r = SampleRand.backfill(false, 0.9, random);
      min = Math.min(min, r);
      max = Math.max(max, r);
    }
    assertEquals(0.9, min, 1e-4);
    assertEquals(0.999999, max, 1e-4);
  }

  @Test
  void backfillEdges() {
    Random random = new Random(3);
    assertEquals(0.0, SampleRand.backfill(true, 0.0, random));
    assertEquals(0.0, SampleRand.backfill(true, -1, random));
    assertEquals(0.999999, SampleRand.backfill(false, 1.0, random));
    assertEquals(0.999999, SampleRand.backfill(false, 2.0, random));
    // no six-decimal value is >= 0.9999995: the nearest is returned
    assertEquals(0.999999, SampleRand.backfill(false, 0.9999995, random));
    for (int i = 0; i < 1000; i++) {
      double sampledAll = SampleRand.backfill(true, 1.0, random);
      assertTrue(sampledAll >= 0 && sampledAll < 1);
      double dropAll = SampleRand.backfill(false, 0.0, random);
      assertTrue(dropAll >= 0 && dropAll < 1);
      double deferred = SampleRand.backfill(null, 0.5, random);
      assertTrue(deferred >= 0 && deferred < 1);
      double nan = SampleRand.backfill(true, Double.NaN, random);
      assertTrue(nan >= 0 && nan < 1);
      // a rate just above a six-decimal step: unsampled values must not truncate below it
      double r = SampleRand.backfill(false, 0.5000001, random);
      assertTrue(r >= 0.500001, String.valueOf(r));
    }
  }
}
