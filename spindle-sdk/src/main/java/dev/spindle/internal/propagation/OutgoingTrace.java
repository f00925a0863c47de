package dev.spindle.internal.propagation;

import dev.spindle.propagation.DynamicSamplingContext;
import static java.util.Objects.requireNonNull;

import java.util.Objects;

/**
 * What {@link TracePropagator#inject} writes onto an outgoing request: the current span's ids,
 * the trace's sampling decision, its Dynamic Sampling Context and the W3C {@code tracestate} to
 * forward. Immutable.
 */
public final class OutgoingTrace {
  private final String traceId;
  private final String spanId;
  private final Boolean sampled;
  private final DynamicSamplingContext dsc;
  private final String tracestate;
  private final boolean randomTraceId;

  private OutgoingTrace(String traceId, String spanId, Boolean sampled,
      DynamicSamplingContext dsc, String tracestate, boolean randomTraceId) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.sampled = sampled;
    this.dsc = dsc;
    this.tracestate = tracestate;
    this.randomTraceId = randomTraceId;
  }

  /**
   * @param traceId 32 lowercase hex digits, required
   * @param spanId the span the callee's work belongs under, 16 lowercase hex digits, required
   * @param sampled the trace's decision, or null when deferred (tracing without performance)
   * @param dsc the (frozen) Dynamic Sampling Context, or null to send no {@code sentry-} baggage
   * @param tracestate the incoming W3C tracestate to forward, or null/empty for none
   */
  public static OutgoingTrace of(String traceId, String spanId, Boolean sampled,
      DynamicSamplingContext dsc, String tracestate) {
    return of(traceId, spanId, sampled, dsc, tracestate, false);
  }

  /**
   * As {@link #of(String, String, Boolean, DynamicSamplingContext, String)};
   * {@code randomTraceId} sets the W3C Level 2 random flag of {@code traceparent}.
   */
  public static OutgoingTrace of(String traceId, String spanId, Boolean sampled,
      DynamicSamplingContext dsc, String tracestate, boolean randomTraceId) {
    requireNonNull(traceId, "traceId");
    requireNonNull(spanId, "spanId");
    return new OutgoingTrace(traceId, spanId, sampled, dsc, tracestate, randomTraceId);
  }

  /** Whether the trace id is known to be random (W3C Level 2 random flag). */
  public boolean randomTraceId() {
    return randomTraceId;
  }

  public String traceId() {
    return traceId;
  }

  public String spanId() {
    return spanId;
  }

  /** The decision, or null when deferred. */
  public Boolean sampled() {
    return sampled;
  }

  /** The DSC, or null. */
  public DynamicSamplingContext dsc() {
    return dsc;
  }

  /** The tracestate, or null. */
  public String tracestate() {
    return tracestate;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof OutgoingTrace)) return false;
    OutgoingTrace that = (OutgoingTrace) o;
    return traceId.equals(that.traceId) && spanId.equals(that.spanId)
        && Objects.equals(sampled, that.sampled) && Objects.equals(dsc, that.dsc)
        && Objects.equals(tracestate, that.tracestate) && randomTraceId == that.randomTraceId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, spanId, sampled, dsc, tracestate, randomTraceId);
  }

  @Override
  public String toString() {
    return "OutgoingTrace{traceId=" + traceId + ", spanId=" + spanId + ", sampled=" + sampled
        + ", dsc=" + dsc + ", tracestate=" + tracestate + '}';
  }
}
