package dev.spindle;

/** A transaction of this SDK, which knows what it propagates. */
interface Traced extends Transaction {
  TraceState traceState();

  /**
   * A child of {@code parent} (a span of this transaction) that records nothing but has its own
   * span id; a sampled transaction counts it as a dropped span.
   */
  Span childNotRecorded(Span parent);

  /** This transaction's request (isolation) scope: what it and the errors under it carry. */
  ScopeData scope();

  /** Where its tracer keeps the current span; its spans are made current there. */
  ContextStorage context();

  /** Changes this transaction's scope atomically. */
  void updateScope(java.util.function.UnaryOperator<ScopeData> change);
}
