package dev.spindle.micrometer;

import dev.spindle.Span;
import dev.spindle.TransactionContext;
import dev.spindle.propagation.IncomingTrace;
import io.micrometer.tracing.Span.Kind;
import io.micrometer.tracing.TraceContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds a span: a child of a local parent (the one set, else the current span unless
 * {@link #setNoParent()}), or a transaction when there is none or the parent is remote (an
 * extracted caller, continued). Events and links are not recorded (Spindle spans have neither).
 */
final class BridgeSpanBuilder implements io.micrometer.tracing.Span.Builder {
  private final SpindleMicrometerTracer bridge;
  private TraceContext parent;
  private boolean noParent;
  private String name;
  private Kind kind;
  private final Map<String, String> tags = new LinkedHashMap<>();
  private Throwable error;
  private String remoteServiceName;
  private String remoteIp;
  private int remotePort;
  private Instant startTimestamp;

  /** The tracer's span that records nothing (it hides only that tracer's current span). */
  Span noopSpan() {
    return bridge.spindle().noopSpan();
  }

  BridgeSpanBuilder(SpindleMicrometerTracer bridge) {
    this.bridge = bridge;
  }

  @Override
  public BridgeSpanBuilder setParent(TraceContext context) {
    this.parent = context;
    this.noParent = false;
    return this;
  }

  @Override
  public BridgeSpanBuilder setNoParent() {
    this.parent = null;
    this.noParent = true;
    return this;
  }

  @Override
  public BridgeSpanBuilder name(String name) {
    this.name = name;
    return this;
  }

  @Override
  public BridgeSpanBuilder event(String value) {
    return this;
  }

  @Override
  public BridgeSpanBuilder tag(String key, String value) {
    if (key != null && value != null) tags.put(key, value);
    return this;
  }

  @Override
  public BridgeSpanBuilder error(Throwable throwable) {
    this.error = throwable;
    return this;
  }

  @Override
  public BridgeSpanBuilder kind(Kind spanKind) {
    this.kind = spanKind;
    return this;
  }

  @Override
  public BridgeSpanBuilder remoteServiceName(String remoteServiceName) {
    this.remoteServiceName = remoteServiceName;
    return this;
  }

  @Override
  public BridgeSpanBuilder remoteIpAndPort(String ip, int port) {
    this.remoteIp = ip;
    this.remotePort = port;
    return this;
  }

  @Override
  public BridgeSpanBuilder startTimestamp(long startTimestamp, TimeUnit unit) {
    this.startTimestamp = Instant.EPOCH.plusNanos(unit.toNanos(startTimestamp));
    return this;
  }

  @Override
  public BridgeSpan start() {
    BridgeSpan span = new BridgeSpan(this);
    span.start();
    return span;
  }

  /** The span these settings describe, started now (or at the start timestamp given). */
  Span startSpindleSpan() {
    Span parentSpan = null;
    IncomingTrace incoming = null;
    if (parent instanceof BridgeTraceContext) {
      parentSpan = ((BridgeTraceContext) parent).span();
      incoming = ((BridgeTraceContext) parent).incoming();
    } else if (parent != null) {
      incoming = bridge.continuing(parent);
    } else if (!noParent) {
      Span current = bridge.spindle().currentSpan();
      if (!current.isNoop()) parentSpan = current;
    }
    String op = SpanShape.initialOperation(kind, name);
    Span span = parentSpan != null
        ? parentSpan.startChild(op, name, startTimestamp)
        : bridge.spindle().startTransaction(TransactionContext.builder(name != null ? name : op, op)
            .continueFrom(incoming).startTimestamp(startTimestamp).build());
    if (parentSpan == null) IncomingBaggage.remember(span, incoming);
    span.setOrigin(SpindleMicrometerTracer.ORIGIN);
    tags.forEach((k, v) -> SpanShape.record(span, k, v));
    if (remoteServiceName != null) span.setData("peer.service", remoteServiceName);
    setRemote(span, remoteIp, remotePort);
    if (error != null) span.setThrowable(error);
    return span;
  }

  static void setRemote(Span span, String ip, int port) {
    if (ip == null) return;
    span.setData("server.address", ip);
    if (port > 0) span.setData("server.port", port);
  }

  Kind kind() {
    return kind;
  }

  String name() {
    return name;
  }

  Map<String, String> tags() {
    return tags;
  }
}
