package dev.spindle.micrometer;

import io.micrometer.tracing.ScopedSpan;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer.SpanInScope;

/** A started span current until {@link #end()}, which closes its scope, then ends it. */
final class BridgeScopedSpan implements ScopedSpan {
  private final Span span;
  private final SpanInScope scope;

  BridgeScopedSpan(Span span, SpanInScope scope) {
    this.span = span;
    this.scope = scope;
  }

  @Override
  public boolean isNoop() {
    return span.isNoop();
  }

  @Override
  public TraceContext context() {
    return span.context();
  }

  @Override
  public ScopedSpan name(String name) {
    span.name(name);
    return this;
  }

  @Override
  public ScopedSpan tag(String key, String value) {
    span.tag(key, value);
    return this;
  }

  @Override
  public ScopedSpan event(String value) {
    return this;
  }

  @Override
  public ScopedSpan error(Throwable throwable) {
    span.error(throwable);
    return this;
  }

  @Override
  public void end() {
    scope.close();
    span.end();
  }
}
