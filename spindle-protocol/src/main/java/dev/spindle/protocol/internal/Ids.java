package dev.spindle.protocol.internal;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one id rule, W3C Trace Context's: a trace id is 32 and a span id 16 lowercase hex
 * characters, and neither is all zeros. Event ids follow the trace id's rule (a UUID without
 * dashes). Generation, validation, and one-pass parsers that normalize what ingestion receives.
 */
public final class Ids {
  /** Characters of a trace id (and of an event id). */
  public static final int TRACE_ID_LENGTH = 32;
  /** Characters of a span id. */
  public static final int SPAN_ID_LENGTH = 16;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final HexFormat LOWER_HEX = HexFormat.of();

  private Ids() {}

  /** A new random 128-bit trace id, 32 lowercase hex characters, never all zeros. */
  public static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi;
    long lo;
    do {
      hi = r.nextLong();
      lo = r.nextLong();
    } while (hi == 0 && lo == 0);
    char[] c = new char[32];
    writeHex(hi, c, 0);
    writeHex(lo, c, 16);
    return new String(c);
  }

  /** A new random 64-bit span id, 16 lowercase hex characters, never all zeros. */
  public static String newSpanId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long v;
    do {
      v = r.nextLong();
    } while (v == 0);
    return toHex(v);
  }

  /** A new event id: 32 lowercase hex characters (a UUID without dashes). */
  public static String newEventId() {
    return newTraceId();
  }

  /**
   * A span id held as a long, as 16 lowercase hex characters. {@link HexFormat} builds the string
   * over its one byte array, without the scratch array and copy of {@code new String(char[])}: an
   * unsampled outgoing call makes one of these per child span.
   */
  public static String toHex(long spanId) {
    return LOWER_HEX.toHexDigits(spanId);
  }

  public static boolean isValidTraceId(CharSequence s) {
    return isValid(s, TRACE_ID_LENGTH);
  }

  public static boolean isValidSpanId(CharSequence s) {
    return isValid(s, SPAN_ID_LENGTH);
  }

  /** True when {@code s} has exactly {@code length} lowercase hex characters and is not all zeros. */
  public static boolean isValid(CharSequence s, int length) {
    if (s == null || s.length() != length) return false;
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) return false;
      if (c != '0') nonZero = true;
    }
    return nonZero;
  }

  /**
   * Returns {@code id} when it is null or valid ({@link #isValid}); for the fields of stored rows.
   *
   * @throws IllegalArgumentException naming {@code field} otherwise
   */
  public static String check(String id, int length, String field) {
    if (id != null && !isValid(id, length)) {
      throw new IllegalArgumentException(field + ": '" + id + "' (expected: " + length
          + " lowercase hex, not all zeros)");
    }
    return id;
  }

  /** The canonical trace id for {@code raw} (hex in any case), or null when it is not one. */
  public static String traceId(CharSequence raw) {
    return normalize(raw, TRACE_ID_LENGTH, false);
  }

  /** The canonical span id for {@code raw} (hex in any case), or null when it is not one. */
  public static String spanId(CharSequence raw) {
    return normalize(raw, SPAN_ID_LENGTH, false);
  }

  /**
   * The canonical event id for {@code raw}, or null when it is not one: 32 hex characters in any
   * case, or a UUID with its four dashes ({@code 8-4-4-4-12}), as Sentry accepts event ids.
   */
  public static String eventId(CharSequence raw) {
    return normalize(raw, TRACE_ID_LENGTH, true);
  }

  /** The trace id held in 16 bytes (OTLP's binary ids), or null for another length or all zeros. */
  public static String traceId(byte[] bytes) {
    return hex(bytes, TRACE_ID_LENGTH / 2);
  }

  /** The span id held in 8 bytes (OTLP's binary ids), or null for another length or all zeros. */
  public static String spanId(byte[] bytes) {
    return hex(bytes, SPAN_ID_LENGTH / 2);
  }

  private static String hex(byte[] bytes, int size) {
    if (bytes == null || bytes.length != size) return null;
    char[] c = new char[size * 2];
    int or = 0;
    for (int i = 0; i < size; i++) {
      int v = bytes[i] & 0xff;
      or |= v;
      c[2 * i] = HEX[v >>> 4];
      c[2 * i + 1] = HEX[v & 0xf];
    }
    return or == 0 ? null : new String(c);
  }

  /**
   * One pass over {@code raw}: hex digits are lowercased, dashes are allowed only at a UUID's
   * positions (when {@code uuid}), anything else (or all zeros) gives null. Returns {@code raw}
   * itself when it is already canonical (ids usually arrive lowercase).
   */
  private static String normalize(CharSequence raw, int length, boolean uuid) {
    if (raw == null) return null;
    int n = raw.length();
    boolean dashed = uuid && n == length + 4;
    if (n != length && !dashed) return null;
    char[] out = null;
    int j = 0;
    boolean nonZero = false;
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
        if (c != '-') return null;
        if (out == null) out = copy(raw, i, length);
        continue;
      }
      if (c >= 'A' && c <= 'F') {
        if (out == null) out = copy(raw, i, length);
        c = (char) (c + ('a' - 'A'));
      } else if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return null;
      }
      if (c != '0') nonZero = true;
      if (out != null) out[j] = c;
      j++;
    }
    if (!nonZero) return null;
    return out == null ? raw.toString() : new String(out);
  }

  /** A buffer holding the first {@code upTo} characters of {@code raw} (all plain hex so far). */
  private static char[] copy(CharSequence raw, int upTo, int length) {
    char[] out = new char[length];
    int j = 0;
    for (int i = 0; i < upTo; i++) {
      char c = raw.charAt(i);
      if (c != '-') out[j++] = c;
    }
    return out;
  }

  private static void writeHex(long v, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
