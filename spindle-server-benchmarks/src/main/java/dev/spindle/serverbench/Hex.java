package dev.spindle.serverbench;

import java.util.SplittableRandom;

/** Random lowercase hex ids. */
final class Hex {
  private Hex() {}

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  /** 16 hex characters of a random non-zero 64-bit id. */
  static String id64(SplittableRandom rnd) {
    long v;
    do {
      v = rnd.nextLong();
    } while (v == 0);
    char[] c = new char[16];
    write(v, c, 0);
    return new String(c);
  }

  /** 32 hex characters of a random non-zero 128-bit id. */
  static String id128(SplittableRandom rnd) {
    char[] c = new char[32];
    long hi = rnd.nextLong();
    long lo;
    do {
      lo = rnd.nextLong();
    } while (hi == 0 && lo == 0);
    write(hi, c, 0);
    write(lo, c, 16);
    return new String(c);
  }

  private static void write(long v, char[] c, int at) {
    for (int i = 15; i >= 0; i--) {
      c[at + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
