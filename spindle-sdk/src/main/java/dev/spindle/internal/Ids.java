package dev.spindle.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Trace and span id generation and validation: lowercase hex, 32 and 16 characters. */
public final class Ids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

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
    char[] c = new char[16];
    writeHex(v, c, 0);
    return new String(c);
  }

  /** A span id held as a long, as 16 lowercase hex characters. */
  public static String toHex(long spanId) {
    char[] c = new char[16];
    writeHex(spanId, c, 0);
    return new String(c);
  }

  /** A new event id: 32 lowercase hex characters (a UUID without dashes). */
  public static String newEventId() {
    return newTraceId();
  }

  public static boolean isValidTraceId(CharSequence s) {
    return isLowerHex(s, 32);
  }

  public static boolean isValidSpanId(CharSequence s) {
    return isLowerHex(s, 16);
  }

  /** True when {@code s} has exactly {@code length} lowercase hex characters and is not all zeros. */
  public static boolean isLowerHex(CharSequence s, int length) {
    if (s == null || s.length() != length) return false;
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      if (!digit && !(c >= 'a' && c <= 'f')) return false;
      if (c != '0') nonZero = true;
    }
    return nonZero;
  }

  private static void writeHex(long v, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
