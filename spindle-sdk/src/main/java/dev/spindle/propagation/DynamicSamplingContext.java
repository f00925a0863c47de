package dev.spindle.propagation;

import dev.spindle.internal.propagation.SampleRand;
import static java.util.Objects.requireNonNull;

import dev.spindle.protocol.internal.JsonWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Dynamic Sampling Context (DSC): the trace-level facts Sentry's server-side sampling keys on.
 * It travels in {@code baggage} as {@code sentry-} members and reaches the server as the envelope
 * header {@code trace}. Immutable; freezing (deciding when it may no longer change) is the core's
 * concern.
 *
 * <p>All values are kept as strings, exactly as received or set, so that a frozen incoming DSC is
 * forwarded unchanged. Unknown {@code sentry-} keys (e.g. {@code replay_id}) are kept as
 * {@link #extra()} and forwarded too. Empty values count as absent.
 *
 * <p>{@code transaction} should only be set when the transaction name's source is not
 * {@code url} (a raw URL is high-cardinality and may hold PII); that decision belongs to the
 * caller.
 */
public final class DynamicSamplingContext {
  /** The keys with a field, without the {@code sentry-} prefix, in the order they are written. */
  private static final List<String> KEYS = List.of("trace_id", "public_key", "sample_rate",
      "sample_rand", "sampled", "release", "environment", "org_id", "transaction");

  /** Computed once: the value is immutable, and frozen DSCs are injected into every request. */
  private volatile String baggageValue;
  private final String traceId;
  private final String publicKey;
  private final String sampleRate;
  private final String sampleRand;
  private final Boolean sampled;
  private final String release;
  private final String environment;
  private final String orgId;
  private final String transaction;
  private final Map<String, String> extra;

  private DynamicSamplingContext(Builder b) {
    this.traceId = b.traceId;
    this.publicKey = b.publicKey;
    this.sampleRate = b.sampleRate;
    this.sampleRand = b.sampleRand;
    this.sampled = b.sampled;
    this.release = b.release;
    this.environment = b.environment;
    this.orgId = b.orgId;
    this.transaction = b.transaction;
    this.extra = b.extra == null || b.extra.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
  }

  /** A builder with every field absent. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this context's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.traceId = traceId;
    b.publicKey = publicKey;
    b.sampleRate = sampleRate;
    b.sampleRand = sampleRand;
    b.sampled = sampled;
    b.release = release;
    b.environment = environment;
    b.orgId = orgId;
    b.transaction = transaction;
    if (!extra.isEmpty()) b.extra = new LinkedHashMap<>(extra);
    return b;
  }

  /**
   * The DSC in a baggage header's {@code sentry-} members, or {@code null} when it has none.
   * {@code sentry-sampled} values other than {@code true}/{@code false} are ignored. Never
   * throws.
   */
  public static DynamicSamplingContext fromBaggage(Baggage baggage) {
    if (baggage == null || !baggage.hasSentryMembers()) return null;
    Builder b = builder();
    for (Baggage.Member m : baggage.members()) {
      if (m.isSentry()) b.set(knownKey(m), m.value()); // in order: the last occurrence wins
    }
    return b.build();
  }

  /** The member's key without the prefix: one of {@link #KEYS} when it is one, else decoded. */
  private static String knownKey(Baggage.Member m) {
    for (String key : KEYS) {
      if (m.hasSentryKey(key)) return key;
    }
    return m.sentryKey();
  }

  /** {@code trace_id}, or null. */
  public String traceId() {
    return traceId;
  }

  /** {@code public_key} (the DSN's public key), or null. */
  public String publicKey() {
    return publicKey;
  }

  /** {@code sample_rate} as a string, e.g. {@code "0.25"}, or null. */
  public String sampleRate() {
    return sampleRate;
  }

  /** {@code sample_rate} as a number in [0, 1], or null when absent or invalid. */
  public Double sampleRateValue() {
    return SampleRand.parseRate(sampleRate);
  }

  /** {@code sample_rand} as a string, e.g. {@code "0.123456"}, or null. */
  public String sampleRand() {
    return sampleRand;
  }

  /** {@code sample_rand} as a number in [0, 1), or null when absent or invalid. */
  public Double sampleRandValue() {
    return SampleRand.parse(sampleRand);
  }

  /** {@code sampled}, or null when unknown. */
  public Boolean sampled() {
    return sampled;
  }

  public String release() {
    return release;
  }

  public String environment() {
    return environment;
  }

  /** {@code org_id}, the Sentry organization the trace started in, or null. */
  public String orgId() {
    return orgId;
  }

  /** {@code transaction}, the root transaction's name, or null. */
  public String transaction() {
    return transaction;
  }

  /** Other {@code sentry-} keys (without the prefix), in order; never null. */
  public Map<String, String> extra() {
    return extra;
  }

  /**
   * All present values keyed without the {@code sentry-} prefix, in the order {@code trace_id,
   * public_key, sample_rate, sample_rand, sampled, release, environment, org_id, transaction},
   * then {@link #extra()}. {@code sampled} is {@code "true"} or {@code "false"}.
   */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    putIfPresent(m, "trace_id", traceId);
    putIfPresent(m, "public_key", publicKey);
    putIfPresent(m, "sample_rate", sampleRate);
    putIfPresent(m, "sample_rand", sampleRand);
    if (sampled != null) m.put("sampled", sampled.toString());
    putIfPresent(m, "release", release);
    putIfPresent(m, "environment", environment);
    putIfPresent(m, "org_id", orgId);
    putIfPresent(m, "transaction", transaction);
    for (Map.Entry<String, String> e : extra.entrySet()) m.putIfAbsent(e.getKey(), e.getValue());
    return m;
  }

  /**
   * The baggage members, {@code sentry-<key>=<value>} with key and value percent-encoded, in the
   * order of {@link #toMap()}.
   */
  public List<String> toBaggageMembers() {
    Map<String, String> m = toMap();
    List<String> out = new ArrayList<>(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      out.add(Baggage.SENTRY_PREFIX + Baggage.encode(e.getKey()) + '='
          + Baggage.encode(e.getValue()));
    }
    return out;
  }

  /** The baggage header value holding only this DSC (within the baggage limits), or null. */
  public String toBaggageValue() {
    String v = baggageValue;
    if (v == null) baggageValue = v = Baggage.format(toBaggageMembers(), List.of());
    return v;
  }

  /**
   * Writes the envelope header {@code trace} object: {@link #toMap()} as a JSON object of
   * strings ({@code "sampled":"true"}, as Sentry SDKs send it).
   */
  public JsonWriter writeJson(JsonWriter writer) {
    writer.beginObject();
    for (Map.Entry<String, String> e : toMap().entrySet()) {
      writer.name(e.getKey()).value(e.getValue());
    }
    return writer.endObject();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof DynamicSamplingContext)) return false;
    DynamicSamplingContext that = (DynamicSamplingContext) o;
    return Objects.equals(traceId, that.traceId)
        && Objects.equals(publicKey, that.publicKey)
        && Objects.equals(sampleRate, that.sampleRate)
        && Objects.equals(sampleRand, that.sampleRand)
        && Objects.equals(sampled, that.sampled)
        && Objects.equals(release, that.release)
        && Objects.equals(environment, that.environment)
        && Objects.equals(orgId, that.orgId)
        && Objects.equals(transaction, that.transaction)
        && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, publicKey, sampleRate, sampleRand, sampled, release, environment,
        orgId, transaction, extra);
  }

  @Override
  public String toString() {
    return "DynamicSamplingContext" + toMap();
  }

  private static void putIfPresent(Map<String, String> m, String key, String value) {
    if (value != null) m.put(key, value);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Builds a {@link DynamicSamplingContext}. Every field defaults to absent ({@code null}). */
  public static final class Builder {
    private String traceId;
    private String publicKey;
    private String sampleRate;
    private String sampleRand;
    private Boolean sampled;
    private String release;
    private String environment;
    private String orgId;
    private String transaction;
    private Map<String, String> extra; // made when an unknown key is first set

    private Builder() {}

    public Builder traceId(String traceId) {
      this.traceId = emptyToNull(traceId);
      return this;
    }

    public Builder publicKey(String publicKey) {
      this.publicKey = emptyToNull(publicKey);
      return this;
    }

    /** The rate as a string, kept as is (e.g. an incoming {@code "1e-05"}). */
    public Builder sampleRate(String sampleRate) {
      this.sampleRate = emptyToNull(sampleRate);
      return this;
    }

    /**
     * The rate as a number, written in plain decimal notation without trailing zeros
     * ({@code 0.25} → {@code "0.25"}, {@code 1.0} → {@code "1"}).
     *
     * @throws IllegalArgumentException when not in [0, 1]
     */
    public Builder sampleRate(double sampleRate) {
      if (!(sampleRate >= 0 && sampleRate <= 1)) {
        throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: 0..1)");
      }
      this.sampleRate = BigDecimal.valueOf(sampleRate).stripTrailingZeros().toPlainString();
      return this;
    }

    /** The random number as a string, kept as is. */
    public Builder sampleRand(String sampleRand) {
      this.sampleRand = emptyToNull(sampleRand);
      return this;
    }

    /** The random number, written with {@link SampleRand#format} (six decimals, truncated). */
    public Builder sampleRand(double sampleRand) {
      this.sampleRand = SampleRand.format(sampleRand);
      return this;
    }

    public Builder sampled(Boolean sampled) {
      this.sampled = sampled;
      return this;
    }

    public Builder release(String release) {
      this.release = emptyToNull(release);
      return this;
    }

    public Builder environment(String environment) {
      this.environment = emptyToNull(environment);
      return this;
    }

    public Builder orgId(String orgId) {
      this.orgId = emptyToNull(orgId);
      return this;
    }

    /** Set only when the transaction name's source is not {@code url}. */
    public Builder transaction(String transaction) {
      this.transaction = emptyToNull(transaction);
      return this;
    }

    /**
     * Sets a value by its key without the {@code sentry-} prefix: known keys go to their field
     * ({@code sampled} accepts only {@code "true"}/{@code "false"}, anything else clears it),
     * unknown keys to {@link DynamicSamplingContext#extra()} (an empty key is ignored). A null or
     * empty value removes it.
     */
    public Builder set(String key, String value) {
      requireNonNull(key, "key");
      switch (key) {
        case "trace_id": return traceId(value);
        case "public_key": return publicKey(value);
        case "sample_rate": return sampleRate(value);
        case "sample_rand": return sampleRand(value);
        case "sampled":
          return sampled("true".equals(value) ? Boolean.TRUE
              : "false".equals(value) ? Boolean.FALSE : null);
        case "release": return release(value);
        case "environment": return environment(value);
        case "org_id": return orgId(value);
        case "transaction": return transaction(value);
        default:
          if (key.isEmpty()) return this;
          if (value != null && !value.isEmpty()) {
            if (extra == null) extra = new LinkedHashMap<>();
            extra.put(key, value);
          } else if (extra != null) {
            extra.remove(key);
          }
          return this;
      }
    }

    public DynamicSamplingContext build() {
      return new DynamicSamplingContext(this);
    }
  }
}
