package dev.spindle.micrometer;

import dev.spindle.propagation.Baggage.Member;
import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.TraceContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baggage Spindle supports: the members of the {@code baggage} header a caller sent, read
 * from the remote context {@link SpindlePropagator#extract} returns. Spindle propagates only its
 * own {@code sentry-} members (the dynamic sampling context), so baggage cannot be created, set or
 * made current: those calls do nothing.
 */
final class IncomingBaggage implements Baggage, BaggageInScope {
  private final String name;
  private final String value;

  private IncomingBaggage(String name, String value) {
    this.name = name;
    this.value = value;
  }

  /** The incoming member {@code name} of a remote context, or null. */
  static IncomingBaggage of(TraceContext context, String name) {
    String value = all(context).get(name);
    return value == null ? null : new IncomingBaggage(name, value);
  }

  /** Every incoming member of a remote context, decoded; empty for any other context. */
  static Map<String, String> all(TraceContext context) {
    if (!(context instanceof BridgeTraceContext)) return Map.of();
    var incoming = ((BridgeTraceContext) context).incoming();
    if (incoming == null) return Map.of();
    Map<String, String> values = new LinkedHashMap<>();
    for (Member m : incoming.baggage().members()) values.putIfAbsent(m.key(), m.value());
    return values;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String get() {
    return value;
  }

  @Override
  public String get(TraceContext traceContext) {
    IncomingBaggage other = of(traceContext, name);
    return other == null ? null : other.value;
  }

  @Override
  @Deprecated
  public Baggage set(String value) {
    return this;
  }

  @Override
  @Deprecated
  public Baggage set(TraceContext traceContext, String value) {
    return this;
  }

  @Override
  public BaggageInScope makeCurrent() {
    return this;
  }

  @Override
  public void close() {}
}
