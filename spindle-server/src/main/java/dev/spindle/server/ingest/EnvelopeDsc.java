package dev.spindle.server.ingest;

import dev.spindle.storage.ServiceMapSql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ingestion reads from an envelope's dynamic sampling context (its {@code trace} header):
 * the sample rate, whether it said {@code sampled=false}, and a fingerprint of the context
 * without its trace id ({@link ServiceMapSql#DSC_KEY}), which a callee shares with its caller
 * when the caller's baggage arrived.
 *
 * @param sampleRate  the context's {@code sample_rate}, 1 when absent or unreadable
 * @param rateGiven   whether it had a readable {@code sample_rate}
 * @param unsampled   whether it said {@code sampled=false}
 * @param fingerprint 16 lowercase hex digits, or null when the envelope had no context
 */
record EnvelopeDsc(double sampleRate, boolean rateGiven, boolean unsampled, String fingerprint) {
  static final EnvelopeDsc NONE = new EnvelopeDsc(1.0, false, false, null);

  /** Reads the {@code trace} header's object (empty when there was none). */
  static EnvelopeDsc of(Map<?, ?> dsc) {
    Double rate = rate(dsc.get("sample_rate"));
    Object sampled = dsc.get("sampled");
    boolean unsampled = Boolean.FALSE.equals(sampled) || "false".equals(sampled);
    return new EnvelopeDsc(rate == null ? 1.0 : rate, rate != null, unsampled, fingerprint(dsc));
  }

  /**
   * Whether a transaction recorded under this context changed the sampling decision: the
   * context said {@code sampled=false}, or its rate differs from the transaction's own
   * {@code ownRate} (null when the transaction did not say).
   */
  boolean samplingChanged(Double ownRate) {
    return unsampled || rateGiven && ownRate != null && Math.abs(ownRate - sampleRate) > 1e-9;
  }

  /** The first 8 bytes of SHA-256 over the context's entries but trace_id, sorted by key. */
  private static String fingerprint(Map<?, ?> dsc) {
    Map<String, String> entries = new TreeMap<>();
    dsc.forEach((k, v) -> {
      if (!"trace_id".equals(k) && v != null) entries.put(String.valueOf(k), String.valueOf(v));
    });
    if (entries.isEmpty()) return null;
    StringBuilder text = new StringBuilder();
    entries.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }

  /** A number or, as SDKs send it, a string; null when absent or unreadable. */
  private static Double rate(Object value) {
    if (value instanceof Number n) return n.doubleValue();
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
