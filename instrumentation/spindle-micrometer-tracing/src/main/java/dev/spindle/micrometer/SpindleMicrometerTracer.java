package dev.spindle.micrometer;

import dev.spindle.propagation.IncomingTrace;
import dev.spindle.propagation.Propagation;
import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.ScopedSpan;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.SpanCustomizer;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.Objects;

/**
 * Micrometer Tracing's {@link Tracer} on a Spindle {@link dev.spindle.Tracer}: a span with no
 * local parent (none given and none current, or a remote caller) is a Spindle transaction, any
 * other a child span of its parent. The current span is Spindle's, shared with Spindle's own
 * integrations. Spans made here have origin {@value #ORIGIN}; their op, name and status come
 * from their kind, name and tags when they end (see the module README).
 *
 * <p>Baggage: the members a caller sent can be read within the transaction continuing it (and
 * from the context {@link SpindlePropagator#extract} found); creating or setting baggage does
 * nothing, and no member is sent on (Spindle propagates only its own {@code sentry-} members).
 *
 * <pre>{@code
 * SpindleMicrometerTracer tracer = SpindleMicrometerTracer.create(spindleTracer);
 * Propagator propagator = SpindlePropagator.create(tracer);
 * registry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
 *     new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
 *     new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
 *     new DefaultTracingObservationHandler(tracer)));
 * }</pre>
 */
public final class SpindleMicrometerTracer implements Tracer {
  /** The origin of the spans this bridge starts. */
  public static final String ORIGIN = "auto.micrometer";

  private final dev.spindle.Tracer tracer;
  private final BridgeCurrentTraceContext current;

  private SpindleMicrometerTracer(dev.spindle.Tracer tracer) {
    this.tracer = tracer;
    this.current = new BridgeCurrentTraceContext(tracer);
  }

  public static SpindleMicrometerTracer create(dev.spindle.Tracer tracer) {
    return new SpindleMicrometerTracer(Objects.requireNonNull(tracer, "tracer"));
  }

  dev.spindle.Tracer spindle() {
    return tracer;
  }

  @Override
  public Span nextSpan() {
    return new BridgeSpan(spanBuilder());
  }

  @Override
  public Span nextSpan(Span parent) {
    if (parent == null) return nextSpan();
    return new BridgeSpan(spanBuilder().setParent(parent.context()));
  }

  @Override
  public SpanInScope withSpan(Span span) {
    CurrentTraceContext.Scope scope = current.newScope(span == null ? null : span.context());
    return scope::close;
  }

  @Override
  public ScopedSpan startScopedSpan(String name) {
    Span span = nextSpan().name(name).start();
    return new BridgeScopedSpan(span, withSpan(span));
  }

  @Override
  public BridgeSpanBuilder spanBuilder() {
    return new BridgeSpanBuilder(this);
  }

  /**
   * Contexts built from ids are remote: a span whose parent is one becomes a transaction
   * continuing that trace, as if the ids had come in a {@code sentry-trace} header.
   */
  @Override
  public TraceContext.Builder traceContextBuilder() {
    return new RemoteContextBuilder(this);
  }

  @Override
  public CurrentTraceContext currentTraceContext() {
    return current;
  }

  @Override
  public SpanCustomizer currentSpanCustomizer() {
    Span span = currentSpan();
    return span == null ? SpanCustomizer.NOOP : span;
  }

  @Override
  public Span currentSpan() {
    dev.spindle.Span span = tracer.currentSpan();
    return span.isNoop() ? null : BridgeSpan.wrap(span);
  }

  /** The caller a context of another tracer names, read through the {@code sentry-trace} codec; null when its ids are invalid. */
  IncomingTrace continuing(TraceContext context) {
    String header = Propagation.sentryTrace(context.traceId(), context.spanId(), context.sampled());
    return tracer.extract(Map.of(Propagation.SENTRY_TRACE, header), Propagation.mapGetter());
  }

  @Override
  public Map<String, String> getAllBaggage() {
    return IncomingBaggage.all(tracer.currentSpan());
  }

  @Override
  public Map<String, String> getAllBaggage(TraceContext traceContext) {
    return IncomingBaggage.all(traceContext);
  }

  @Override
  public Baggage getBaggage(String name) {
    Baggage incoming = IncomingBaggage.of(tracer.currentSpan(), name);
    return incoming == null ? Baggage.NOOP : incoming;
  }

  @Override
  public Baggage getBaggage(TraceContext traceContext, String name) {
    return IncomingBaggage.of(traceContext, name);
  }

  @Override
  @Deprecated
  public Baggage createBaggage(String name) {
    return Baggage.NOOP;
  }

  @Override
  @Deprecated
  public Baggage createBaggage(String name, String value) {
    return Baggage.NOOP;
  }

  @Override
  public BaggageInScope createBaggageInScope(String name, String value) {
    return BaggageInScope.NOOP;
  }

  @Override
  public BaggageInScope createBaggageInScope(TraceContext traceContext, String name, String value) {
    return BaggageInScope.NOOP;
  }
}
