package dev.spindle.micrometer;

import dev.spindle.Span;
import dev.spindle.Transaction;
import dev.spindle.propagation.Baggage.Member;
import dev.spindle.propagation.IncomingTrace;
import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.TraceContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The baggage Spindle supports: the members of the {@code baggage} header a caller sent, readable
 * from the context {@link SpindlePropagator#extract} found and, once a span continued it, from
 * that transaction and its children. Spindle propagates only its own {@code sentry-} members (the
 * dynamic sampling context), so baggage cannot be created, set or made current: those calls do
 * nothing, and no member is sent on.
 */
final class IncomingBaggage implements Baggage, BaggageInScope {
  /** The callers' members by the transaction continuing them; weak, and removed when it ends. */
  private static final Map<Transaction, Map<String, String>> BY_TRANSACTION =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final String name;
  private final String value;

  private IncomingBaggage(String name, String value) {
    this.name = name;
    this.value = value;
  }

  /** Keeps what the caller sent for {@code transaction}, which continues {@code incoming}. */
  static void remember(Span transaction, IncomingTrace incoming) {
    if (incoming == null || incoming.baggage().isEmpty() || !(transaction instanceof Transaction)) return;
    BY_TRANSACTION.put((Transaction) transaction, decode(incoming));
  }

  static void forget(Span span) {
    if (span.transaction() == span) BY_TRANSACTION.remove(span);
  }

  /** The incoming member {@code name} for a context, or null. */
  static IncomingBaggage of(TraceContext context, String name) {
    return named(name, all(context).get(name));
  }

  /** The incoming member {@code name} in {@code span}'s transaction, or null. */
  static IncomingBaggage of(Span span, String name) {
    return named(name, all(span).get(name));
  }

  private static IncomingBaggage named(String name, String value) {
    return value == null ? null : new IncomingBaggage(name, value);
  }

  /** Every incoming member for a context (remote, or local within a continued trace), decoded. */
  static Map<String, String> all(TraceContext context) {
    if (!(context instanceof BridgeTraceContext)) return Map.of();
    BridgeTraceContext c = (BridgeTraceContext) context;
    return c.span() != null ? all(c.span()) : decode(c.incoming());
  }

  private static Map<String, String> decode(IncomingTrace incoming) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Member m : incoming.baggage().members()) values.putIfAbsent(m.key(), m.value());
    return Collections.unmodifiableMap(values);
  }

  static Map<String, String> all(Span span) {
    Map<String, String> values = BY_TRANSACTION.get(span.transaction());
    return values == null ? Map.of() : values;
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
    return all(traceContext).get(name);
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
