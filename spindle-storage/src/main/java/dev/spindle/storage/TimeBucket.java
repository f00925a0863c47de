package dev.spindle.storage;

/**
 * Figures of one interval of a time series: {@code count} transactions ending in
 * [{@code startUs}, start + interval), their rate per minute of the interval, their p95 duration
 * in milliseconds (0 when empty) and failure rate (0 when empty).
 */
public record TimeBucket(long startUs, long count, double tpm, double p95, double failureRate) {
  /** A bucket without transactions. */
  public static TimeBucket empty(long startUs) {
    return new TimeBucket(startUs, 0, 0, 0, 0);
  }
}
