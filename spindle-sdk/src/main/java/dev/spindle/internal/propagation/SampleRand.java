package dev.spindle.internal.propagation;

import java.util.Random;
import java.util.regex.Pattern;

/**
 * The trace's random sampling number {@code sample_rand}: a number in [0, 1) with six decimals,
 * made once per trace and propagated in the {@code sentry-sample_rand} baggage member. A span is
 * sampled when {@code sample_rand < sample_rate}, so every SDK on the trace decides alike.
 *
 * <p>All values here are multiples of 10<sup>-6</sup> computed as {@code k / 1_000_000.0}, so
 * that {@link #format} and {@link #parse} round-trip exactly and comparing with a rate gives the
 * same answer before and after propagation.
 */
public final class SampleRand {
  private static final int SCALE = 1_000_000;
  private static final Pattern DECIMAL =
      Pattern.compile("(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?");

  private SampleRand() {}

  /**
   * A deterministic {@code sample_rand} for a new trace, seeded from its id: the last 16 hex
   * digits of the trace id (its most random part; W3C level 2 random trace ids put the random
   * bits on the right) are read as an unsigned 64-bit number, scrambled with the SplitMix64
   * finaliser (so that non-random ids still spread evenly), and the unsigned remainder modulo
   * 1,000,000 gives the millionths. An id that is not hex falls back to its {@code hashCode}.
   *
   * @return a value in [0, 1) with at most six decimals
   */
  public static double fromTraceId(String traceId) {
    long seed;
    if (traceId != null && traceId.length() >= 16 && isHex(traceId, traceId.length() - 16)) {
      seed = Long.parseUnsignedLong(traceId.substring(traceId.length() - 16), 16);
    } else {
      seed = traceId == null ? 0 : traceId.hashCode();
    }
    return Long.remainderUnsigned(mix(seed), SCALE) / (double) SCALE;
  }

  /**
   * A {@code sample_rand} for an incoming trace that has a decision but no
   * {@code sample_rand}, consistent with the decision: when {@code sampled} is true, uniform in
   * [0, rate); when false, uniform in [rate, 1); when null (or the rate is NaN), uniform in
   * [0, 1). Values are multiples of 10<sup>-6</sup>, and the invariant
   * {@code result < rate ⇔ sampled} holds for them exactly. When no six-decimal value can satisfy
   * it (sampled with a rate of 0 or less; unsampled with a rate above 0.999999) the nearest value
   * is returned: {@code 0.0} or {@code 0.999999}. Never throws.
   */
  public static double backfill(Boolean sampled, double rate, Random random) {
    if (sampled == null || Double.isNaN(rate)) return random.nextInt(SCALE) / (double) SCALE;
    int boundary = boundary(rate);
    if (sampled) {
      return boundary == 0 ? 0.0 : random.nextInt(boundary) / (double) SCALE;
    }
    if (boundary == SCALE) return (SCALE - 1) / (double) SCALE;
    return (boundary + random.nextInt(SCALE - boundary)) / (double) SCALE;
  }

  /**
   * Formats with exactly six decimals, truncating (never rounding up): {@code 0.9999999} gives
   * {@code "0.999999"}, so a value below a rate never becomes equal to it. Values are clamped to
   * [0, 0.999999]; NaN gives {@code "0.000000"}.
   */
  public static String format(double value) {
    int k = toMillionths(value);
    char[] out = {'0', '.', '0', '0', '0', '0', '0', '0'};
    for (int i = 7; i >= 2; i--) {
      out[i] = (char) ('0' + k % 10);
      k /= 10;
    }
    return new String(out);
  }

  /**
   * Parses a {@code sample_rand}: a plain decimal number (an exponent is tolerated) in [0, 1);
   * {@code null} otherwise. Never throws.
   */
  public static Double parse(String value) {
    Double d = parseDecimal(value);
    return d != null && d < 1.0 ? d : null;
  }

  /**
   * Parses a {@code sample_rate}: a plain decimal number (an exponent is tolerated, as some SDKs
   * write {@code 1e-05}) in [0, 1]; {@code null} otherwise. Never throws.
   */
  public static Double parseRate(String value) {
    Double d = parseDecimal(value);
    return d != null && d <= 1.0 ? d : null;
  }

  /** A non-negative finite decimal, or null. */
  private static Double parseDecimal(String value) {
    if (value == null) return null;
    String s = value.trim();
    if (s.isEmpty() || s.length() > 64 || !DECIMAL.matcher(s).matches()) return null;
    double d = Double.parseDouble(s);
    return Double.isFinite(d) ? d : null;
  }

  /** The largest k in [0, 999999] with k / 1e6 <= value. */
  private static int toMillionths(double value) {
    if (!(value > 0)) return 0; // also NaN
    if (value >= 1) return SCALE - 1;
    int k = (int) Math.floor(value * SCALE);
    while (k < SCALE - 1 && (k + 1) / (double) SCALE <= value) k++;
    while (k > 0 && k / (double) SCALE > value) k--;
    return k;
  }

  /** The smallest k in [0, 1e6] with k / 1e6 >= rate. */
  private static int boundary(double rate) {
    if (rate <= 0) return 0;
    if (rate >= 1) return SCALE;
    int k = (int) Math.ceil(rate * SCALE);
    while (k > 0 && (k - 1) / (double) SCALE >= rate) k--;
    while (k < SCALE && k / (double) SCALE < rate) k++;
    return k;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static boolean isHex(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }
}
