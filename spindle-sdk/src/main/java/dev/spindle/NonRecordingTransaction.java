package dev.spindle;

import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * A transaction that is not sent — unsampled, or tracing without performance — but still starts
 * or continues a trace, so that its decision (or the lack of one) reaches every downstream service.
 */
final class NonRecordingTransaction implements Traced {
  private final ContextStorage context;
  private final TraceState traceState;
  private final String spanId = Ids.newSpanId();
  private final String parentSpanId;
  private final String operation;
  private volatile String name;
  private volatile TransactionSource source;
  private volatile boolean finished;
  private volatile ScopeData scope;

  NonRecordingTransaction(ContextStorage context, TraceState traceState, String parentSpanId,
      String name, TransactionSource source, String operation, ScopeData scope) {
    this.context = context;
    this.scope = scope;
    this.traceState = traceState;
    this.parentSpanId = parentSpanId;
    this.name = name;
    this.source = source;
    this.operation = operation;
  }

  @Override public TraceState traceState() { return traceState; }
  @Override public String traceId() { return traceState.traceId; }
  @Override public String spanId() { return spanId; }
  @Override public String parentSpanId() { return parentSpanId; }
  @Override public Boolean sampled() { return traceState.sampled; }
  @Override public boolean isRecording() { return false; }
  @Override public String operation() { return operation; }
  @Override public String description() { return null; }
  @Override public Span startChild(String operation, String description) { return childNotRecorded(this); }
  @Override public Span startChild(String operation, String description, Instant start) { return childNotRecorded(this); }
  @Override public Span childNotRecorded(Span parent) { return new NonRecordingSpan(this, parent); }
  @Override public Span setOperation(String operation) { return this; }
  @Override public Span setOrigin(String origin) { return this; }
  @Override public String origin() { return null; }
  @Override public Span setDescription(String description) { return this; }
  @Override public Span setStatus(SpanStatus status) { return this; }
  @Override public SpanStatus status() { return null; }
  @Override public Span setTag(String key, String value) { return this; }
  @Override public Span setData(String key, Object value) { return this; }
  @Override public Span setThrowable(Throwable throwable) { return this; }
  @Override public void finish() { finished = true; }
  @Override public void finish(SpanStatus status) { finished = true; }
  @Override public void finish(Instant endTimestamp) { finished = true; }
  @Override public boolean isFinished() { return finished; }
  @Override public Scope makeCurrent() { return context.attach(this); }
  @Override public ContextStorage context() { return context; }
  @Override public Transaction transaction() { return this; }
  @Override public String name() { return name; }
  @Override public TransactionSource source() { return source; }
  @Override public Transaction setMeasurement(String name, double value, String unit) { return this; }
  @Override public Double sampleRate() { return traceState.sampleRate; }
  @Override public ScopeData scope() { return scope; }

  @Override
  public synchronized void updateScope(UnaryOperator<ScopeData> change) {
    scope = change.apply(scope);
  }

  @Override
  public Transaction setName(String name, TransactionSource source) {
    if (name != null && source != null && !finished) {
      this.name = name;
      this.source = source;
    }
    return this;
  }

  @Override
  public String toString() {
    return "NonRecordingTransaction{" + name + " " + spanId + " in " + traceId() + "}";
  }
}
