package dev.spindle.internal.propagation;

import static java.util.Objects.requireNonNull;

import dev.spindle.protocol.internal.Ids;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code sentry-trace} header: {@code <trace_id>-<span_id>[-<sampled>]}, where the trace id is
 * 32 hex digits, the span id 16, and sampled is {@code 1} or {@code 0} (absent: the decision is
 * deferred to the receiver).
 *
 * <p>Parsing follows sentry-java's {@code ^[ \t]*([0-9a-f]{32})-([0-9a-f]{16})(-[01])?[ \t]*$},
 * matched ignoring case: leading and trailing spaces and tabs are allowed, uppercase hex is
 * accepted and normalised to lowercase. All-zero ids are rejected. Parsing never throws.
 */
public final class SentryTraceHeader {
  private final String traceId;
  private final String spanId;
  private final Boolean sampled;

  private SentryTraceHeader(String traceId, String spanId, Boolean sampled) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.sampled = sampled;
  }

  /**
   * Creates a header value object.
   *
   * @throws IllegalArgumentException when an id is not lowercase hex of the right length or is
   *     all zeros
   */
  public static SentryTraceHeader of(String traceId, String spanId, Boolean sampled) {
    requireNonNull(traceId, "traceId");
    requireNonNull(spanId, "spanId");
    if (!Ids.isValidTraceId(traceId)) {
      throw new IllegalArgumentException("traceId: " + traceId + " (expected: 32 lowercase hex)");
    }
    if (!Ids.isValidSpanId(spanId)) {
      throw new IllegalArgumentException("spanId: " + spanId + " (expected: 16 lowercase hex)");
    }
    return new SentryTraceHeader(traceId, spanId, sampled);
  }

  /** Parses a header value; {@code null} when the value is null or invalid. Never throws. */
  public static SentryTraceHeader parse(CharSequence value) {
    if (value == null) return null;
    int start = 0;
    int end = value.length();
    while (start < end && isSpaceOrTab(value.charAt(start))) start++;
    while (end > start && isSpaceOrTab(value.charAt(end - 1))) end--;
    int len = end - start;
    if (len != 49 && len != 51) return null;
    if (value.charAt(start + 32) != '-') return null;
    Boolean sampled = null;
    if (len == 51) {
      if (value.charAt(start + 49) != '-') return null;
      char flag = value.charAt(start + 50);
      if (flag == '1') sampled = Boolean.TRUE;
      else if (flag == '0') sampled = Boolean.FALSE;
      else return null;
    }
    String traceId = lowerHex(value, start, start + 32);
    String spanId = lowerHex(value, start + 33, start + 49);
    if (!Ids.isValidTraceId(traceId) || !Ids.isValidSpanId(spanId)) return null;
    return new SentryTraceHeader(traceId, spanId, sampled);
  }

  /** Formats {@code <trace_id>-<span_id>} plus {@code -1} or {@code -0} when sampled is known. */
  public static String format(String traceId, String spanId, Boolean sampled) {
    // One concatenation: the JDK sizes the value and fills a single array.
    return traceId + '-' + spanId + (sampled == null ? "" : sampled ? "-1" : "-0");
  }

  /** 32 lowercase hex digits. */
  public String traceId() {
    return traceId;
  }

  /** 16 lowercase hex digits: the caller's span, the parent of the receiver's span. */
  public String spanId() {
    return spanId;
  }

  /** {@code true}/{@code false} from the flag, {@code null} when absent (deferred). */
  public Boolean sampled() {
    return sampled;
  }

  /** The header value, as {@link #format}. */
  public String value() {
    return format(traceId, spanId, sampled);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof SentryTraceHeader)) return false;
    SentryTraceHeader that = (SentryTraceHeader) o;
    return traceId.equals(that.traceId) && spanId.equals(that.spanId)
        && Objects.equals(sampled, that.sampled);
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, spanId, sampled);
  }

  @Override
  public String toString() {
    return value();
  }

  public static boolean isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
  }

  private static String lowerHex(CharSequence value, int from, int to) {
    return value.subSequence(from, to).toString().toLowerCase(Locale.ROOT);
  }
}
