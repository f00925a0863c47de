package dev.spindle.internal.propagation;

import dev.spindle.propagation.DynamicSamplingContext;
import static java.util.Objects.requireNonNull;

import java.util.Objects;

/**
 * What {@link TracePropagator#inject} writes onto every outgoing request of a trace, whichever
 * span makes it: the trace id, the trace's sampling decision, its Dynamic Sampling Context and the
 * W3C {@code tracestate} to forward. The span id is given to each {@code inject}. Immutable: a
 * transaction builds it once (its DSC frozen) and injects it for each of its calls.
 */
public final class OutgoingTrace {
  private final String traceId;
  private final Boolean sampled;
  private final DynamicSamplingContext dsc;
  private final String tracestate;
  private final boolean randomTraceId;

  private OutgoingTrace(String traceId, Boolean sampled, DynamicSamplingContext dsc,
      String tracestate, boolean randomTraceId) {
    this.traceId = traceId;
    this.sampled = sampled;
    this.dsc = dsc;
    this.tracestate = tracestate;
    this.randomTraceId = randomTraceId;
  }

  /**
   * @param traceId 32 lowercase hex digits, required
   * @param sampled the trace's decision, or null when deferred (tracing without performance)
   * @param dsc the (frozen) Dynamic Sampling Context, or null to send no {@code sentry-} baggage
   * @param tracestate the incoming W3C tracestate to forward, or null/empty for none; validated
   *     here once ({@link Tracestate#forward(String)}): an invalid one is not forwarded
   */
  public static OutgoingTrace of(String traceId, Boolean sampled, DynamicSamplingContext dsc,
      String tracestate) {
    return of(traceId, sampled, dsc, tracestate, false);
  }

  /**
   * As {@link #of(String, Boolean, DynamicSamplingContext, String)}; {@code randomTraceId} sets
   * the W3C Level 2 random flag of {@code traceparent}.
   */
  public static OutgoingTrace of(String traceId, Boolean sampled, DynamicSamplingContext dsc,
      String tracestate, boolean randomTraceId) {
    requireNonNull(traceId, "traceId");
    String forwarded = Tracestate.forward(tracestate);
    return new OutgoingTrace(traceId, sampled, dsc, forwarded == null ? "" : forwarded,
        randomTraceId);
  }

  /** Whether the trace id is known to be random (W3C Level 2 random flag). */
  public boolean randomTraceId() {
    return randomTraceId;
  }

  public String traceId() {
    return traceId;
  }

  /** The decision, or null when deferred. */
  public Boolean sampled() {
    return sampled;
  }

  /** The DSC, or null. */
  public DynamicSamplingContext dsc() {
    return dsc;
  }

  /** The valid tracestate to forward; empty for none. */
  public String tracestate() {
    return tracestate;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof OutgoingTrace)) return false;
    OutgoingTrace that = (OutgoingTrace) o;
    return traceId.equals(that.traceId) && Objects.equals(sampled, that.sampled)
        && Objects.equals(dsc, that.dsc) && tracestate.equals(that.tracestate)
        && randomTraceId == that.randomTraceId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, sampled, dsc, tracestate, randomTraceId);
  }

  @Override
  public String toString() {
    return "OutgoingTrace{traceId=" + traceId + ", sampled=" + sampled + ", dsc=" + dsc
        + ", tracestate=" + tracestate + '}';
  }
}
