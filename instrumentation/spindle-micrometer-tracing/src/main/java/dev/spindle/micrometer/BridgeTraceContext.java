package dev.spindle.micrometer;

import dev.spindle.Span;
import dev.spindle.propagation.IncomingTrace;
import io.micrometer.tracing.TraceContext;
import java.util.Objects;

/**
 * A Micrometer {@link TraceContext} of either a local Spindle span or a remote caller (an
 * extracted {@link IncomingTrace}, whose span id is the caller's span, as in the other bridges).
 */
final class BridgeTraceContext implements TraceContext {
  private final Span span;
  private final IncomingTrace remote;

  private BridgeTraceContext(Span span, IncomingTrace remote) {
    this.span = span;
    this.remote = remote;
  }

  static BridgeTraceContext local(Span span) {
    return new BridgeTraceContext(Objects.requireNonNull(span, "span"), null);
  }

  static BridgeTraceContext remote(IncomingTrace incoming) {
    return new BridgeTraceContext(null, Objects.requireNonNull(incoming, "incoming"));
  }

  /** The local span, or null for a remote context. */
  Span span() {
    return span;
  }

  /** The caller's trace, or null for a local context. */
  IncomingTrace incoming() {
    return remote;
  }

  @Override
  public String traceId() {
    return span != null ? span.traceId() : remote.traceId();
  }

  @Override
  public String parentId() {
    return span != null ? span.parentSpanId() : null;
  }

  @Override
  public String spanId() {
    return span != null ? span.spanId() : remote.parentSpanId();
  }

  @Override
  public Boolean sampled() {
    return span != null ? span.sampled() : remote.sampled();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof BridgeTraceContext)) return false;
    BridgeTraceContext that = (BridgeTraceContext) o;
    return span != null ? span == that.span : remote.equals(that.remote);
  }

  @Override
  public int hashCode() {
    return span != null ? System.identityHashCode(span) : remote.hashCode();
  }

  @Override
  public String toString() {
    return traceId() + "/" + spanId() + (span == null ? " (remote)" : "");
  }
}
