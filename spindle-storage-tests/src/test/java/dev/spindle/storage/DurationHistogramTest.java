package dev.spindle.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {
  /** The bucket of {@code durUs} as both backends compute it. */
  private static int bucket(long durUs) {
    return (int) Math.floor(Math.log(Math.max(durUs, 1)) / Math.log(DurationHistogram.GAMMA));
  }

  @Test
  void aBucketsValueIsWithinTheRelativeErrorOfEveryDurationInIt() {
    for (long us : new long[] {1, 2, 7, 999, 1000, 1001, 123_456, 60_000_000L, 3_600_000_000L}) {
      double ms = DurationHistogram.valueMs(bucket(us));
      assertTrue(Math.abs(ms - us / 1000.0) <= us / 1000.0 * DurationHistogram.RELATIVE_ERROR + 1e-12,
          us + " µs read back as " + ms + " ms");
    }
  }

  @Test
  void percentilesInterpolateBetweenRanksLikeQuantileCont() {
    DurationHistogram h = new DurationHistogram();
    for (long ms : new long[] {150, 50, 100}) h.add(bucket(ms * 1000), 1);
    assertEquals(3, h.count());
    assertEquals(100, h.percentileMs(0.5), 100 * DurationHistogram.RELATIVE_ERROR);
    assertEquals(145, h.percentileMs(0.95), 145 * DurationHistogram.RELATIVE_ERROR);
    assertEquals(50, h.percentileMs(0), 50 * DurationHistogram.RELATIVE_ERROR);
    assertEquals(150, h.percentileMs(1), 150 * DurationHistogram.RELATIVE_ERROR);
  }

  @Test
  void countsFromManyPlacesAddUpToThePercentilesOfTheWhole() {
    Random r = new Random(7);
    long[] us = new long[10_000];
    DurationHistogram a = new DurationHistogram();
    for (int i = 0; i < us.length; i++) {
      us[i] = 1 + (long) Math.exp(r.nextGaussian() * 2 + 10);
      a.add(bucket(us[i]), 1);
    }
    Arrays.sort(us);
    for (double p : new double[] {0.5, 0.95, 0.99}) {
      double exact = us[(int) Math.round(p * (us.length - 1))] / 1000.0;
      assertEquals(exact, a.percentileMs(p), exact * DurationHistogram.RELATIVE_ERROR * 1.01, "p" + p);
    }
  }

  @Test
  void emptyIsZeroAndPOutsideZeroToOneIsRefused() {
    DurationHistogram h = new DurationHistogram();
    assertEquals(0, h.percentileMs(0.5));
    assertThrows(IllegalArgumentException.class, () -> h.percentileMs(1.5));
    h.add(3, 0);
    assertEquals(0, h.count(), "nothing added for a zero count");
  }
}
