package dev.spindle.micrometer;

import dev.spindle.Span;
import dev.spindle.Transaction;
import dev.spindle.protocol.SpanStatus;
import io.micrometer.tracing.Span.Kind;
import io.micrometer.tracing.TraceContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Micrometer span over a Spindle span. One made by the bridge starts its Spindle span on
 * {@link #start()} (or when its context is first asked for) and, when it ends, takes its op, name
 * and status from its kind, name and tags ({@link SpanShape}); tags are also the span's data. One
 * that wraps a span made elsewhere (the current span of another integration) only passes calls on.
 */
final class BridgeSpan implements io.micrometer.tracing.Span {
  private BridgeSpanBuilder pending;
  private Span span;
  private final Kind kind;
  private String name;
  private final Map<String, String> tags;

  BridgeSpan(BridgeSpanBuilder builder) {
    this.pending = builder;
    this.kind = builder.kind();
    this.name = builder.name();
    this.tags = new HashMap<>(builder.tags());
  }

  private BridgeSpan(Span span) {
    this.span = span;
    this.kind = null;
    this.tags = null;
  }

  /** A span made elsewhere, passed through unchanged. */
  static BridgeSpan wrap(Span span) {
    return new BridgeSpan(span);
  }

  /** The Spindle span, started now if it was not yet. */
  synchronized Span spindle() {
    if (span == null) {
      pending.name(name);
      span = pending.startSpindleSpan();
      pending = null;
    }
    return span;
  }

  /** False for a span not started yet (asking does not start it). */
  @Override
  public boolean isNoop() {
    Span started = startedOrNull();
    return started != null && started.isNoop();
  }

  @Override
  public TraceContext context() {
    return BridgeTraceContext.local(spindle());
  }

  @Override
  public BridgeSpan start() {
    spindle();
    return this;
  }

  @Override
  public synchronized BridgeSpan name(String name) {
    this.name = name;
    if (tags == null) span.setDescription(name); // a span made elsewhere
    return this;
  }

  @Override
  public BridgeSpan event(String value) {
    return this;
  }

  @Override
  public BridgeSpan event(String value, long time, TimeUnit timeUnit) {
    return this;
  }

  @Override
  public synchronized BridgeSpan tag(String key, String value) {
    if (key == null || value == null) return this;
    if (tags != null) tags.put(key, value);
    if (span == null) pending.tag(key, value);
    else SpanShape.record(span, key, value);
    return this;
  }

  @Override
  public synchronized BridgeSpan error(Throwable throwable) {
    if (span == null) pending.error(throwable);
    else span.setThrowable(throwable);
    return this;
  }

  @Override
  public void end() {
    end(null);
  }

  @Override
  public void end(long time, TimeUnit timeUnit) {
    end(Instant.EPOCH.plusNanos(timeUnit.toNanos(time)));
  }

  private void end(Instant at) {
    Span s = spindle();
    if (tags != null) shape(s);
    s.finish(at);
    IncomingBaggage.forget(s);
  }

  private synchronized void shape(Span s) {
    SpanShape shape = SpanShape.of(kind, name, tags);
    s.setOperation(shape.operation);
    if (s instanceof Transaction && s.transaction() == s) {
      if (shape.name != null) ((Transaction) s).setName(shape.name, shape.source);
    } else if (shape.name != null) {
      s.setDescription(shape.name);
    }
    if (shape.status != null && s.status() == null) s.setStatus(shape.status);
  }

  /**
   * Spindle cannot drop a span it started: an unstarted span is forgotten, a started one ends
   * with status {@code cancelled}.
   */
  @Override
  public synchronized void abandon() {
    if (span == null) {
      span = pending.noopSpan();
      pending = null;
    } else {
      span.finish(SpanStatus.CANCELLED);
      IncomingBaggage.forget(span);
    }
  }

  @Override
  public synchronized BridgeSpan remoteServiceName(String remoteServiceName) {
    if (span == null) pending.remoteServiceName(remoteServiceName);
    else if (remoteServiceName != null) span.setData("peer.service", remoteServiceName);
    return this;
  }

  @Override
  public synchronized BridgeSpan remoteIpAndPort(String ip, int port) {
    if (span == null) pending.remoteIpAndPort(ip, port);
    else BridgeSpanBuilder.setRemote(span, ip, port);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof BridgeSpan)) return false;
    Span mine = startedOrNull();
    return mine != null && mine == ((BridgeSpan) o).startedOrNull();
  }

  @Override
  public int hashCode() {
    Span mine = startedOrNull();
    return mine == null ? System.identityHashCode(this) : System.identityHashCode(mine);
  }

  private synchronized Span startedOrNull() {
    return span;
  }

  @Override
  public String toString() {
    Span s = startedOrNull();
    return s == null ? "BridgeSpan(not started)" : "BridgeSpan(" + s.traceId() + "/" + s.spanId() + ")";
  }
}
