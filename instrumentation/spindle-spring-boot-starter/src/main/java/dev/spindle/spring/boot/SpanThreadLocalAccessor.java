package dev.spindle.spring.boot;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import io.micrometer.context.ThreadLocalAccessor;
import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Spindle's current span for Micrometer's context-propagation library, under the key
 * {@code Span.class} (where the WebFlux filter puts each request's transaction in the Reactor
 * context). With Reactor's automatic context propagation, the span in a subscriber's context is
 * current while each operator of the chain runs, on whichever thread. A context without one leaves
 * the thread's current span as it is (as without automatic propagation): clearing it would also
 * hide the caller's span from a chain subscribed with {@code subscribe()} or {@code toFuture()},
 * whose context Reactor does not capture. Registered through {@code META-INF/services}, so
 * {@code ContextRegistry.getInstance()} knows it whenever the starter is on the class path.
 *
 * <p>Each value set is made current with a {@link Scope}; the scopes of a thread are kept on a stack
 * and closed in reverse order when the library restores the previous value, so the SDK's
 * thread-local is restored exactly (and removed when the outermost scope closes).
 */
public final class SpanThreadLocalAccessor implements ThreadLocalAccessor<Span> {
  /** The key in a Reactor context or a context snapshot. */
  public static final Class<Span> KEY = Span.class;

  private static final ThreadLocal<ArrayDeque<Scope>> SCOPES = new ThreadLocal<>();

  /**
   * The applications' tracers (one per application context; several in one JVM in tests): each
   * tracer keeps its own current span, and this accessor, found by {@code ServiceLoader}, serves
   * them all.
   */
  private static final CopyOnWriteArrayList<Tracer> TRACERS = new CopyOnWriteArrayList<>();

  static void register(Tracer tracer) {
    TRACERS.addIfAbsent(tracer);
  }

  static void unregister(Tracer tracer) {
    TRACERS.remove(tracer);
  }

  @Override
  public Object key() {
    return KEY;
  }

  /**
   * The span current in one of the applications' tracers, else in {@link Spindle}'s; null when
   * none is (or only a no-op one), so nothing is captured.
   */
  @Override
  public Span getValue() {
    for (Tracer tracer : TRACERS) {
      Span span = tracer.currentSpan();
      if (!span.isNoop()) return span;
    }
    Span span = Spindle.currentSpan();
    return span.isNoop() ? null : span;
  }

  @Override
  public void setValue(Span span) {
    push(span.makeCurrent());
  }

  /** The context has no span: the thread's current span stays. */
  @Override
  public void setValue() {
    push(Scope.NOOP);
  }

  @Override
  @Deprecated
  public void reset() {
    setValue();
  }

  @Override
  public void restore(Span previous) {
    pop();
  }

  @Override
  public void restore() {
    pop();
  }

  private static void push(Scope scope) {
    ArrayDeque<Scope> scopes = SCOPES.get();
    if (scopes == null) SCOPES.set(scopes = new ArrayDeque<>(4));
    scopes.push(scope);
  }

  private static void pop() {
    ArrayDeque<Scope> scopes = SCOPES.get();
    if (scopes == null) return; // restored without a value set on this thread: nothing to undo
    scopes.pop().close();
    if (scopes.isEmpty()) SCOPES.remove();
  }
}
