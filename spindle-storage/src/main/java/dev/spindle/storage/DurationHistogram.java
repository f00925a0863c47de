package dev.spindle.storage;

import java.util.Arrays;

/**
 * The service map's latency figures (p50 and p95 of an edge's calls): durations counted in
 * logarithmic buckets, so that counts from different minutes and from raw rows add up (a rollup
 * can keep a day of calls in a few rows per edge and minute), and percentiles read from the sum.
 *
 * <p>Bucket {@code b} holds durations {@code d} (microseconds, at least 1) with
 * {@code GAMMA^b <= d < GAMMA^(b+1)}; its value is the point of least relative error inside it,
 * so a value read back is within {@link #RELATIVE_ERROR} of the duration it stands for.
 * Percentiles interpolate linearly between the values at the two ranks around
 * {@code p * (n - 1)}, as {@code quantile_cont} does on exact values.
 */
public final class DurationHistogram {
  /** The ratio of one bucket's bounds: 1.04. */
  public static final double GAMMA = 1.04;
  /** How far a bucket's value may be from a duration in it, relatively: 2 %. */
  public static final double RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);

  private int[] buckets = new int[8];
  private long[] counts = new long[8];
  private int size;
  private long total;

  /**
   * SQL for the bucket of a duration in microseconds, as a floating-point number with no
   * fraction: {@code lnDur} is the natural logarithm of the duration (of 1 µs when shorter), in
   * the dialect's words (DuckDB {@code ln(greatest(d, 1))}, ClickHouse {@code log(greatest(d, 1))}).
   */
  public static String bucketSql(String lnDur) {
    return "floor(" + lnDur + " / " + Math.log(GAMMA) + ")";
  }

  /** The duration bucket {@code bucket} stands for, in milliseconds. */
  public static double valueMs(int bucket) {
    return Math.pow(GAMMA, bucket) * 2 * GAMMA / (GAMMA + 1) / 1000.0;
  }

  /** Adds {@code count} durations in {@code bucket}. */
  public void add(int bucket, long count) {
    if (count <= 0) return;
    int i = Arrays.binarySearch(buckets, 0, size, bucket);
    if (i < 0) {
      i = -i - 1;
      if (size == buckets.length) {
        buckets = Arrays.copyOf(buckets, size * 2);
        counts = Arrays.copyOf(counts, size * 2);
      }
      System.arraycopy(buckets, i, buckets, i + 1, size - i);
      System.arraycopy(counts, i, counts, i + 1, size - i);
      buckets[i] = bucket;
      counts[i] = 0;
      size++;
    }
    counts[i] += count;
    total += count;
  }

  /** The number of durations counted. */
  public long count() {
    return total;
  }

  /** The {@code p} quantile (0..1) in milliseconds; 0 when nothing was counted. */
  public double percentileMs(double p) {
    if (p < 0 || p > 1) throw new IllegalArgumentException("p: " + p + " (expected: 0..1)");
    if (total == 0) return 0;
    double rank = p * (total - 1);
    long below = (long) Math.floor(rank);
    double lower = valueAtRank(below);
    if (rank == below) return lower;
    return lower + (rank - below) * (valueAtRank(below + 1) - lower);
  }

  /** The value of the duration at 0-based rank {@code rank} in ascending order. */
  private double valueAtRank(long rank) {
    long seen = 0;
    for (int i = 0; i < size; i++) {
      seen += counts[i];
      if (rank < seen) return valueMs(buckets[i]);
    }
    return valueMs(buckets[size - 1]);
  }
}
