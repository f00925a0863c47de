package dev.spindle;

import dev.spindle.internal.propagation.OutgoingTrace;
import dev.spindle.propagation.DynamicSamplingContext;

/**
 * What a transaction propagates: the trace id, the sampling decision and its inputs, the W3C
 * tracestate to forward, and the dynamic sampling context (DSC). The DSC is frozen the first time
 * it leaves the SDK (an outgoing request or an envelope), or at once when the trace came in with
 * one: later renames of the transaction do not change it.
 */
final class TraceState {
  final String traceId;
  /** True, false, or null when deferred (tracing without performance). */
  final Boolean sampled;
  /** The rate that decided, or null when none applied. */
  final Double sampleRate;
  /** In [0, 1); {@code sampled == (sampleRand < sampleRate)} whenever a rate decided. */
  final double sampleRand;
  /** Incoming W3C tracestate to forward, or null; checked once, by {@link #outgoing}. */
  final String tracestate;
  /** Whether the trace id is known to be random: ours are; upstream ones when flagged so. */
  final boolean randomTraceId;
  private volatile DynamicSamplingContext frozen;
  /** What every outgoing call carries, built at the first; immutable, so a race builds equal ones. */
  private OutgoingTrace outgoing;

  TraceState(String traceId, Boolean sampled, Double sampleRate, double sampleRand,
      String tracestate, boolean randomTraceId, DynamicSamplingContext incomingDsc) {
    this.randomTraceId = randomTraceId;
    this.traceId = traceId;
    this.sampled = sampled;
    this.sampleRate = sampleRate;
    this.sampleRand = sampleRand;
    this.tracestate = tracestate;
    this.frozen = incomingDsc;
  }

  /** The DSC, building and freezing it on first use from the tracer and the transaction. */
  DynamicSamplingContext dsc(Tracer tracer, Transaction transaction) {
    DynamicSamplingContext d = frozen;
    if (d != null) return d;
    synchronized (this) {
      if (frozen == null) frozen = tracer.newDsc(this, transaction);
      return frozen;
    }
  }

  /**
   * What {@code tracer} injects into each outgoing call of this trace (freezing the DSC): built
   * once, with the tracestate validated once. A disabled tracer passes on only the DSC that came in.
   */
  OutgoingTrace outgoing(Tracer tracer, Transaction transaction) {
    OutgoingTrace out = outgoing;
    if (out == null) {
      DynamicSamplingContext dsc = tracer.isEnabled() ? dsc(tracer, transaction) : frozen;
      outgoing = out = OutgoingTrace.of(traceId, sampled, dsc, tracestate, randomTraceId);
    }
    return out;
  }
}
