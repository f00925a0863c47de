package dev.spindle.micrometer;

import dev.spindle.Span;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.TraceContext;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The current context is Spindle's current span, so spans made current through Micrometer and
 * through Spindle's own integrations are the same thing. A remote context (an extracted caller not
 * yet continued by a span) cannot be made current: its scope changes nothing.
 */
final class BridgeCurrentTraceContext implements CurrentTraceContext {
  private final dev.spindle.Tracer tracer;

  BridgeCurrentTraceContext(dev.spindle.Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public TraceContext context() {
    Span current = tracer.currentSpan();
    return current.isNoop() ? null : BridgeTraceContext.local(current);
  }

  @Override
  public Scope newScope(TraceContext context) {
    Span target = context == null ? tracer.noopSpan() : localSpan(context);
    if (target == null) return Scope.NOOP;
    dev.spindle.Scope scope = target.makeCurrent();
    return scope::close;
  }

  @Override
  public Scope maybeScope(TraceContext context) {
    Span current = tracer.currentSpan();
    boolean same = context == null ? current.isNoop() : localSpan(context) == current;
    return same ? Scope.NOOP : newScope(context);
  }

  private static Span localSpan(TraceContext context) {
    return context instanceof BridgeTraceContext ? ((BridgeTraceContext) context).span() : null;
  }

  @Override
  public <C> Callable<C> wrap(Callable<C> task) {
    return tracer.wrap(task);
  }

  @Override
  public Runnable wrap(Runnable task) {
    return tracer.wrap(task);
  }

  @Override
  public Executor wrap(Executor delegate) {
    return tracer.wrap(delegate);
  }

  @Override
  public ExecutorService wrap(ExecutorService delegate) {
    return tracer.wrap(delegate);
  }
}
