package dev.spindle;

/** A transaction of this SDK, which knows what it propagates. */
interface Traced extends Transaction {
  TraceState traceState();
}
