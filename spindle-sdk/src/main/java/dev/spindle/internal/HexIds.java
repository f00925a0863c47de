package dev.spindle.internal;

/** Span ids held as longs on the hot path and rendered as 16 lowercase hex characters on demand. */
public final class HexIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private HexIds() {}

  public static String toHex(long id) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (id & 0xf)];
      id >>>= 4;
    }
    return new String(c);
  }

  /** Parses 16 lowercase hex characters; returns 0 when the input is not a valid span id. */
  public static long parse(CharSequence s) {
    if (!Ids.isValidSpanId(s)) return 0;
    long v = 0;
    for (int i = 0; i < 16; i++) {
      char c = s.charAt(i);
      v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
  }
}
