package dev.spindle.internal.propagation;

import dev.spindle.propagation.DynamicSamplingContext;
import dev.spindle.propagation.IncomingTrace;
import dev.spindle.propagation.Baggage;
import dev.spindle.propagation.Propagation;
import static dev.spindle.propagation.Propagation.BAGGAGE;
import static dev.spindle.propagation.Propagation.SENTRY_TRACE;
import static dev.spindle.propagation.Propagation.TRACEPARENT;
import static dev.spindle.propagation.Propagation.TRACESTATE;

import java.util.List;

/**
 * Reads and writes the trace propagation headers: {@code sentry-trace} and {@code baggage}, and
 * W3C {@code traceparent}/{@code tracestate}, each pair on output only when enabled (all are
 * always read, so traces started by OpenTelemetry or Sentry SDKs are continued). Stateless and
 * thread-safe.
 *
 * <p>{@link #extract} and {@link #inject} never throw: malformed headers start a new trace, and
 * exceptions thrown by a getter or setter are swallowed (the request goes on untraced or with
 * fewer headers).
 */
public final class TracePropagator {
  private static final TracePropagator[] INSTANCES = {
    new TracePropagator(false, false), new TracePropagator(false, true),
    new TracePropagator(true, false), new TracePropagator(true, true)
  };

  private final boolean propagateSentryHeaders;
  private final boolean propagateTraceparent;

  private TracePropagator(boolean propagateSentryHeaders, boolean propagateTraceparent) {
    this.propagateSentryHeaders = propagateSentryHeaders;
    this.propagateTraceparent = propagateTraceparent;
  }

  /**
   * @param propagateSentryHeaders whether {@link #inject} writes {@code sentry-trace} and
   *     {@code baggage}
   * @param propagateTraceparent whether {@link #inject} writes {@code traceparent} (and
   *     {@code tracestate} when there is one to forward)
   */
  public static TracePropagator create(boolean propagateSentryHeaders, boolean propagateTraceparent) {
    return INSTANCES[(propagateSentryHeaders ? 2 : 0) + (propagateTraceparent ? 1 : 0)];
  }

  /** Whether {@link #inject} writes {@code sentry-trace} and {@code baggage}. */
  public boolean propagatesSentryHeaders() {
    return propagateSentryHeaders;
  }

  /** Whether {@link #inject} writes {@code traceparent}. */
  public boolean propagatesTraceparent() {
    return propagateTraceparent;
  }

  /**
   * The header names this propagator reads or may write: {@code sentry-trace}, {@code baggage},
   * {@code traceparent}, {@code tracestate} (the last two are always read).
   */
  public List<String> fields() {
    return Propagation.FIELDS;
  }

  /**
   * The trace to continue, or {@code null} to start a new one.
   *
   * <ol>
   *   <li>A valid {@code sentry-trace} wins: ids and decision ({@code -1}/{@code -0}/absent)
   *       come from it.
   *   <li>Otherwise exactly one valid {@code traceparent} (several are invalid): flag bit 0 set
   *       means sampled; clear means <em>deferred</em> ({@code null}), because Sentry SDKs write
   *       {@code 00} both for "not sampled" and "no decision" &mdash; unless the baggage holds
   *       {@code sentry-sampled=false}, which makes it {@code false}. A set flag wins over
   *       {@code sentry-sampled=false}.
   *   <li>Neither: {@code null}; the baggage and tracestate are ignored.
   * </ol>
   *
   * <p>The {@code baggage} headers are read in both cases; their {@code sentry-} members form the
   * incoming (frozen) DSC, unless their {@code sentry-trace_id} names another trace, in which case
   * the DSC is ignored. {@code tracestate} is kept only when a valid {@code traceparent} of the
   * same trace came with it, and dropped when invalid.
   */
  public <C> IncomingTrace extract(C carrier, Propagation.Getter<C> getter) {
    if (carrier == null || getter == null) return null;
    try {
      SentryTraceHeader sentryTrace = SentryTraceHeader.parse(getter.get(carrier, SENTRY_TRACE));
      Traceparent traceparent = Traceparent.parse(getter.getAll(carrier, TRACEPARENT));
      if (sentryTrace == null && traceparent == null) return null;
      Baggage baggage = Baggage.parse(getter.getAll(carrier, BAGGAGE));
      DynamicSamplingContext dsc = DynamicSamplingContext.fromBaggage(baggage);

      String traceId;
      String parentSpanId;
      Boolean sampled;
      IncomingTrace.Source source;
      if (sentryTrace != null) {
        traceId = sentryTrace.traceId();
        parentSpanId = sentryTrace.spanId();
        sampled = sentryTrace.sampled();
        source = IncomingTrace.Source.SENTRY_TRACE;
      } else {
        traceId = traceparent.traceId();
        parentSpanId = traceparent.parentId();
        if (traceparent.sampled()) sampled = Boolean.TRUE;
        else if (dsc != null && Boolean.FALSE.equals(dsc.sampled())) sampled = Boolean.FALSE;
        else sampled = null;
        source = IncomingTrace.Source.TRACEPARENT;
      }
      if (dsc != null && dsc.traceId() != null && !dsc.traceId().equalsIgnoreCase(traceId)) {
        dsc = null;
      }

      String tracestate = null;
      if (traceparent != null && traceparent.traceId().equals(traceId)) {
        tracestate = Tracestate.forward(getter.getAll(carrier, TRACESTATE));
      }
      if (tracestate == null) tracestate = "";
      boolean random = traceparent != null && traceparent.traceId().equals(traceId)
          && traceparent.randomTraceId();
      return new IncomingTrace(traceId, parentSpanId, sampled, dsc, tracestate, source, baggage, random);
    } catch (RuntimeException e) {
      return null; // a broken carrier or getter must not break the request
    }
  }

  /**
   * Writes the headers for {@code trace} and the span {@code spanId} (the caller's, 16 lowercase
   * hex digits) with {@code setter}: {@code sentry-trace} and, when there is a DSC, {@code baggage}
   * with its members, unless Sentry headers are off; {@code traceparent} (flags {@code 01} only
   * when sampled is true) and {@code tracestate} when there is one, unless traceparent is off. Any
   * existing {@code baggage} on the carrier is not read: use
   * {@link #inject(OutgoingTrace, String, Object, Propagation.Getter, Propagation.Setter)} to keep
   * other vendors' members.
   */
  public <C> void inject(OutgoingTrace trace, String spanId, C carrier, Propagation.Setter<C> setter) {
    inject(trace, spanId, carrier, null, setter);
  }

  /**
   * As {@link #inject(OutgoingTrace, String, Object, Propagation.Setter)}, but when {@code getter}
   * finds {@code baggage} already on the carrier the value written keeps its non-Sentry members
   * and replaces its {@code sentry-} members with the DSC's ({@link Baggage#mergeInto}). The setter
   * should replace the header rather than add a second one.
   */
  public <C> void inject(OutgoingTrace trace, String spanId, C carrier, Propagation.Getter<C> getter,
      Propagation.Setter<C> setter) {
    if (trace == null || spanId == null || carrier == null || setter == null) return;
    try {
      if (propagateSentryHeaders) {
        setter.set(carrier, SENTRY_TRACE,
            SentryTraceHeader.format(trace.traceId(), spanId, trace.sampled()));
        String existing = null;
        if (getter != null) {
          List<String> values = getter.getAll(carrier, BAGGAGE);
          if (!values.isEmpty()) existing = String.join(",", values);
        }
        String baggage = existing != null
            ? Baggage.mergeInto(existing, trace.dsc())
            : trace.dsc() == null ? null : trace.dsc().toBaggageValue();
        if (baggage != null) setter.set(carrier, BAGGAGE, baggage);
      }
      if (propagateTraceparent) {
        setter.set(carrier, TRACEPARENT, Traceparent.format(trace.traceId(), spanId,
            Boolean.TRUE.equals(trace.sampled()), trace.randomTraceId()));
        if (!trace.tracestate().isEmpty()) setter.set(carrier, TRACESTATE, trace.tracestate());
      }
    } catch (RuntimeException e) {
      // never break the outgoing request because of tracing
    }
  }

  /**
   * Whether to continue {@code incoming} given our organization id (either may be absent):
   * when both org ids are present they must be equal; with {@code strict} continuation, an org
   * id present on one side only also starts a new trace (both absent is fine). Returns false for
   * a null {@code incoming}.
   */
  public static boolean shouldContinue(IncomingTrace incoming, String ourOrgId, boolean strict) {
    if (incoming == null) return false;
    String theirs = incoming.dsc() == null ? null : incoming.dsc().orgId();
    String ours = ourOrgId == null || ourOrgId.isEmpty() ? null : ourOrgId;
    if (theirs != null && ours != null) return theirs.equals(ours);
    if (!strict) return true;
    return theirs == null && ours == null;
  }

  @Override
  public String toString() {
    return "TracePropagator{propagateSentryHeaders=" + propagateSentryHeaders
        + ", propagateTraceparent=" + propagateTraceparent + '}';
  }
}
