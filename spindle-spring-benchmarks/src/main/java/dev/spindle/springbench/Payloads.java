package dev.spindle.springbench;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** The one check that a serialized payload carries a trace, for both export modes. */
final class Payloads {
  private Payloads() {}

  /** Whether {@code payload} holds {@code traceId}: as its 16 bytes (protobuf) or as hex (JSON). */
  static boolean holdsTrace(byte[] payload, boolean protobuf, String traceId) {
    byte[] needle = protobuf ? HexFormat.of().parseHex(traceId) : traceId.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + needle.length <= payload.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (payload[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
