package dev.spindle.micrometer;

import dev.spindle.propagation.IncomingTrace;
import dev.spindle.propagation.Propagation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Micrometer's {@link Propagator} through the Spindle tracer's own codecs: {@code sentry-trace}
 * and {@code baggage} (the frozen dynamic sampling context) unless {@code propagateSentryHeaders}
 * is off, and W3C {@code traceparent} / {@code tracestate} unless {@code propagateTraceparent} is
 * off. Extraction reads either, as Spindle's integrations do.
 *
 * <p>Micrometer hands the propagator no URL, so {@code tracePropagationTargets} is not applied
 * here: every request an observation sends carries the headers. Only contexts of local spans are
 * injected (a remote context, not yet continued by a span, writes nothing).
 */
public final class SpindlePropagator implements Propagator {
  private final SpindleMicrometerTracer bridge;

  private SpindlePropagator(SpindleMicrometerTracer bridge) {
    this.bridge = bridge;
  }

  /** A propagator whose extracted builders start spans through {@code tracer}. */
  public static SpindlePropagator create(SpindleMicrometerTracer tracer) {
    return new SpindlePropagator(Objects.requireNonNull(tracer, "tracer"));
  }

  @Override
  public List<String> fields() {
    return Propagation.FIELDS;
  }

  @Override
  public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
    if (!(context instanceof BridgeTraceContext) || carrier == null || setter == null) return;
    dev.spindle.Span span = ((BridgeTraceContext) context).span();
    if (span != null) bridge.spindle().inject(span, carrier, setter::set);
  }

  /**
   * A builder whose parent is the caller found in the headers (its span becomes a transaction
   * continuing that trace), or, when there is none, the builder of a span with no explicit
   * parent: a child of the current span if there is one, else a transaction of a new trace.
   */
  @Override
  public <C> Span.Builder extract(C carrier, Getter<C> getter) {
    BridgeSpanBuilder builder = bridge.spanBuilder();
    if (carrier == null || getter == null) return builder;
    IncomingTrace incoming = bridge.spindle().extract(carrier, new Propagation.Getter<C>() {
      @Override
      public String get(C c, String key) {
        return getter.get(c, key);
      }

      @Override
      public List<String> getAll(C c, String key) {
        Iterable<String> all = getter.getAll(c, key);
        if (all == null) return List.of();
        List<String> values = new ArrayList<>(1);
        for (String v : all) {
          if (v != null) values.add(v);
        }
        return values;
      }
    });
    return incoming == null ? builder : builder.setParent(BridgeTraceContext.remote(incoming));
  }
}
