package dev.spindle.propagation;

import dev.spindle.internal.propagation.SampleRand;
import dev.spindle.internal.propagation.TracePropagator;
import java.util.Objects;

/**
 * A trace continued from an incoming request, as {@link TracePropagator#extract} found it.
 * Immutable.
 *
 * <p>The {@link #dsc() Dynamic Sampling Context} is present only when the incoming
 * {@code baggage} had {@code sentry-} members for this trace; it is then <em>frozen</em>: the
 * core must propagate it unchanged rather than build its own. Other vendors' baggage members are
 * available through {@link #baggage()} for the application to read, but the SDK does not forward
 * them.
 */
public final class IncomingTrace {
  /** The header the trace and parent span ids came from. */
  public enum Source {
    /** Sentry's {@code sentry-trace} header. */
    SENTRY_TRACE,
    /** W3C {@code traceparent}. */
    TRACEPARENT
  }

  private final String traceId;
  private final String parentSpanId;
  private final Boolean sampled;
  private final DynamicSamplingContext dsc;
  private final String tracestate;
  private final Source source;
  private final Baggage baggage;
  private final boolean randomTraceId;

  /**
   * What {@code Tracer.extract} builds from valid headers; nothing is validated here, so other
   * header formats must pass valid ids (see each accessor).
   */
  public IncomingTrace(String traceId, String parentSpanId, Boolean sampled, DynamicSamplingContext dsc,
      String tracestate, Source source, Baggage baggage, boolean randomTraceId) {
    this.randomTraceId = randomTraceId;
    this.traceId = traceId;
    this.parentSpanId = parentSpanId;
    this.sampled = sampled;
    this.dsc = dsc;
    this.tracestate = tracestate;
    this.source = source;
    this.baggage = baggage;
  }

  /** 32 lowercase hex digits. */
  public String traceId() {
    return traceId;
  }

  /** The caller's span id, 16 lowercase hex digits: the parent of the local root span. */
  public String parentSpanId() {
    return parentSpanId;
  }

  /**
   * The caller's sampling decision, or {@code null} when it deferred the decision (the receiver
   * then samples as for a new trace, using {@link #sampleRate()}/{@link #sampleRand()} when
   * present).
   */
  public Boolean sampled() {
    return sampled;
  }

  /** {@code sentry-sample_rate} from the incoming DSC as a number, or null when absent/invalid. */
  public Double sampleRate() {
    return dsc == null ? null : dsc.sampleRateValue();
  }

  /**
   * {@code sentry-sample_rand} from the incoming DSC as a number in [0, 1), or null when
   * absent/invalid (the core then backfills it with {@link SampleRand#backfill}).
   */
  public Double sampleRand() {
    return dsc == null ? null : dsc.sampleRandValue();
  }

  /** The frozen incoming DSC, or null when the baggage had no {@code sentry-} members. */
  public DynamicSamplingContext dsc() {
    return dsc;
  }

  /**
   * The validated W3C {@code tracestate} to forward, never null: empty when there was none, it
   * was invalid, or it did not come with a valid {@code traceparent} of this same trace.
   */
  public String tracestate() {
    return tracestate;
  }

  /** Which header the ids came from. */
  /**
   * True when a {@code traceparent} of this trace carried the W3C Level 2 random flag, so
   * downstream may rely on the trace id being random.
   */
  public boolean randomTraceId() {
    return randomTraceId;
  }

  public Source source() {
    return source;
  }

  /** The whole incoming baggage (possibly empty, never null), for the application to read. */
  public Baggage baggage() {
    return baggage;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof IncomingTrace)) return false;
    IncomingTrace that = (IncomingTrace) o;
    return traceId.equals(that.traceId) && parentSpanId.equals(that.parentSpanId)
        && Objects.equals(sampled, that.sampled) && Objects.equals(dsc, that.dsc)
        && tracestate.equals(that.tracestate) && source == that.source
        && baggage.value().equals(that.baggage.value());
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, parentSpanId, sampled, dsc, tracestate, source);
  }

  @Override
  public String toString() {
    return "IncomingTrace{traceId=" + traceId + ", parentSpanId=" + parentSpanId
        + ", sampled=" + sampled + ", source=" + source + ", dsc=" + dsc
        + ", tracestate=" + tracestate + '}';
  }
}
