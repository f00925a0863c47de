package dev.spindle;

/**
 * Runs whenever a span becomes current on a thread, for integrations that mirror the current
 * span elsewhere — for example trace and span ids in a logging MDC. {@link #decorate} is called
 * on the thread that makes {@code span} current; the scope it returns must undo its change and
 * then close {@code scope}. Register with {@link Spindle#addScopeDecorator(ScopeDecorator)}.
 */
@FunctionalInterface
public interface ScopeDecorator {
  /**
   * @param span the span now current, or null when a wrapper clears the context
   * @param scope closing it restores the previous span
   */
  Scope decorate(Span span, Scope scope);
}
