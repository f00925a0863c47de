package dev.spindle.okhttp;

import dev.spindle.Span;

/**
 * A request tag holding the span that was current when the call was executed or enqueued, set by
 * {@link TracingCallFactory}; read by {@link TracingInterceptor} on whatever thread runs the call.
 */
final class ParentSpan {
  private volatile Span span;

  void set(Span span) {
    this.span = span;
  }

  /** The captured span, or null when the call has not been started through the factory yet. */
  Span get() {
    return span;
  }
}
