package dev.spindle.internal.propagation;

import static java.util.Objects.requireNonNull;

import dev.spindle.protocol.internal.Ids;
import java.util.List;
import java.util.Objects;

/**
 * The W3C Trace Context {@code traceparent} header:
 * {@code <version>-<trace-id>-<parent-id>-<trace-flags>}, all lowercase hex.
 *
 * <p>Parsing rules (W3C Trace Context levels 1 and 2):
 *
 * <ul>
 *   <li>leading and trailing spaces and tabs (HTTP optional whitespace) are ignored;
 *   <li>version {@code 00} must be exactly {@code 00-<32 hex>-<16 hex>-<2 hex>} (55 characters);
 *   <li>a higher version (other than {@code ff}, which is invalid) is parsed by its first four
 *       fields; anything after them must start with {@code -} and is ignored;
 *   <li>uppercase hex is invalid anywhere; all-zero trace or parent ids are invalid;
 *   <li>bit 0 of the flags is "sampled", bit 1 "random trace id" (Level 2); other bits are kept
 *       in {@link #flags()} but not emitted.
 * </ul>
 *
 * <p>Parsing never throws: invalid input gives {@code null}, and the receiver starts a new trace.
 */
public final class Traceparent {
  /** The only version Spindle emits. */
  public static final String VERSION = "00";

  private static final int V00_LENGTH = 55;

  private final String version;
  private final String traceId;
  private final String parentId;
  private final int flags;
  static final int SAMPLED_FLAG = 0x01;
  static final int RANDOM_FLAG = 0x02;

  private Traceparent(String version, String traceId, String parentId, int flags) {
    this.version = version;
    this.traceId = traceId;
    this.parentId = parentId;
    this.flags = flags;
  }

  /**
   * A version-{@code 00} value.
   *
   * @throws IllegalArgumentException when an id is not lowercase hex of the right length or is
   *     all zeros
   */
  public static Traceparent of(String traceId, String parentId, boolean sampled) {
    requireNonNull(traceId, "traceId");
    requireNonNull(parentId, "parentId");
    if (!Ids.isValidTraceId(traceId)) {
      throw new IllegalArgumentException("traceId: " + traceId + " (expected: 32 lowercase hex)");
    }
    if (!Ids.isValidSpanId(parentId)) {
      throw new IllegalArgumentException("parentId: " + parentId + " (expected: 16 lowercase hex)");
    }
    return new Traceparent(VERSION, traceId, parentId, sampled ? 1 : 0);
  }

  /** Parses one header value; {@code null} when null or invalid. Never throws. */
  public static Traceparent parse(CharSequence value) {
    if (value == null) return null;
    int start = 0;
    int end = value.length();
    while (start < end && SentryTraceHeader.isSpaceOrTab(value.charAt(start))) start++;
    while (end > start && SentryTraceHeader.isSpaceOrTab(value.charAt(end - 1))) end--;
    int len = end - start;
    if (len < V00_LENGTH) return null;
    int v = hexByte(value, start);
    if (v < 0 || v == 0xff) return null;
    if (v == 0 && len != V00_LENGTH) return null;
    if (len > V00_LENGTH && value.charAt(start + V00_LENGTH) != '-') return null;
    if (value.charAt(start + 2) != '-'
        || value.charAt(start + 35) != '-'
        || value.charAt(start + 52) != '-') {
      return null;
    }
    String traceId = value.subSequence(start + 3, start + 35).toString();
    String parentId = value.subSequence(start + 36, start + 52).toString();
    if (!Ids.isValidTraceId(traceId) || !Ids.isValidSpanId(parentId)) return null;
    int flags = hexByte(value, start + 53);
    if (flags < 0) return null;
    String version = v == 0 ? VERSION : value.subSequence(start, start + 2).toString();
    return new Traceparent(version, traceId, parentId, flags);
  }

  /**
   * Parses the values of every {@code traceparent} header of a request: exactly one is allowed,
   * several make the header invalid ({@code null}), as the W3C rules require.
   */
  public static Traceparent parse(List<String> values) {
    if (values == null || values.size() != 1) return null;
    return parse(values.get(0));
  }

  /** Formats {@code 00-<trace_id>-<span_id>-01} when sampled, else {@code -00}. */
  public static String format(String traceId, String spanId, boolean sampled) {
    return format(traceId, spanId, sampled, false);
  }

  /**
   * Formats version {@code 00} with the sampled flag (bit 0) and, when {@code randomTraceId},
   * the Level 2 random flag (bit 1: the trace id's rightmost 7 bytes are random).
   */
  public static String format(String traceId, String spanId, boolean sampled, boolean randomTraceId) {
    char flags = (char) ('0' + ((sampled ? SAMPLED_FLAG : 0) | (randomTraceId ? RANDOM_FLAG : 0)));
    return VERSION + '-' + traceId + '-' + spanId + "-0" + flags; // one concatenation, one array
  }

  /** The two-digit version as received ({@code 00} for values made by {@link #of}). */
  public String version() {
    return version;
  }

  public String traceId() {
    return traceId;
  }

  /** The caller's span id (the parent of the receiver's span). */
  public String parentId() {
    return parentId;
  }

  /** All eight flag bits as received. */
  public int flags() {
    return flags;
  }

  /** Bit 0 of the flags. */
  public boolean sampled() {
    return (flags & SAMPLED_FLAG) != 0;
  }

  /** Bit 1 of the flags (W3C Level 2): the trace id was made random. */
  public boolean randomTraceId() {
    return (flags & RANDOM_FLAG) != 0;
  }

  /** The value Spindle would forward: always version {@code 00}, the sampled and random flags. */
  public String value() {
    return format(traceId, parentId, sampled(), randomTraceId());
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Traceparent)) return false;
    Traceparent that = (Traceparent) o;
    return flags == that.flags && version.equals(that.version) && traceId.equals(that.traceId)
        && parentId.equals(that.parentId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, traceId, parentId, flags);
  }

  @Override
  public String toString() {
    return value();
  }

  /** Two lowercase hex digits at {@code i} as 0–255, or -1. */
  private static int hexByte(CharSequence s, int i) {
    int hi = lowerHexDigit(s.charAt(i));
    int lo = lowerHexDigit(s.charAt(i + 1));
    return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
  }

  private static int lowerHexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
}
