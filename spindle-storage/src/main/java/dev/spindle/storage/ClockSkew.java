package dev.spindle.storage;

/**
 * The clock skew between two services, measured from their linked calls with the trace view's
 * rule: a callee's transaction must not start before the span that called it, nor end after it
 * when it fits inside; what it would be shifted by is the skew of that call. A lost call's root
 * is looked for in the client span's window widened by the skew measured between the caller and
 * the root's service over the linked calls ending in the same {@link #BUCKET_US} bucket as the
 * client span ({@link #allowance}).
 */
public final class ClockSkew {
  private ClockSkew() {}

  /** The linked calls whose skews are measured together: those ending in the same 10 minutes. */
  public static final long BUCKET_US = 600_000_000L;

  /** The most skew allowed when a lost call is matched: 10 seconds. */
  public static final long MAX_US = 10_000_000L;

  /** Allowances are whole seconds, so that a slightly larger skew measured changes nothing. */
  private static final long STEP_US = 1_000_000L;

  /**
   * The shift of a callee's transaction (start {@code childStart}, end {@code childEnd}) against
   * the span that called it, as the trace view applies it: positive when it started before the
   * span, negative when it ended after a span it fits in, else 0.
   */
  public static long shift(long parentStart, long parentEnd, long childStart, long childEnd) {
    if (childStart < parentStart) return parentStart - childStart;
    if (childEnd > parentEnd && childEnd - childStart <= parentEnd - parentStart) return parentEnd - childEnd;
    return 0;
  }

  /** {@link #shift}'s absolute value in SQL over four non-null BIGINT expressions. */
  public static String measuredSql(String parentStart, String parentEnd, String childStart, String childEnd) {
    return "if(" + childStart + " < " + parentStart + ", " + parentStart + " - " + childStart + ", if("
        + childEnd + " > " + parentEnd + " AND " + childEnd + " - " + childStart + " <= " + parentEnd + " - "
        + parentStart + ", " + childEnd + " - " + parentEnd + ", 0))";
  }

  /**
   * The skew allowed when matching a lost call between two services whose largest measured skew
   * in the bucket is {@code measuredUs} (0 when none): that skew rounded up to whole seconds, at
   * least {@code leastUs} (the query's, {@link ServiceMapQuery#skewUs}), at most {@link #MAX_US}.
   */
  public static long allowance(long measuredUs, long leastUs) {
    long rounded = (measuredUs + STEP_US - 1) / STEP_US * STEP_US;
    return Math.max(leastUs, Math.min(MAX_US, rounded));
  }

  /** The largest measured skew whose {@link #allowance} is at most {@code leastUs}: a filter for SQL. */
  public static long measuredAllowingAtMost(long leastUs) {
    return leastUs / STEP_US * STEP_US;
  }

  /** The bucket of a call ending at {@code endUs}. */
  public static long bucket(long endUs) {
    return Math.floorDiv(endUs, BUCKET_US);
  }
}
