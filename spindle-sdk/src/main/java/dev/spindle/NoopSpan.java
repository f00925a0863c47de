package dev.spindle;

import dev.spindle.protocol.SpanStatus;
import java.time.Instant;

/**
 * The span returned when nothing is current: all-zero ids, records nothing, propagates nothing.
 * Made current, it hides its tracer's current span until the scope closes.
 */
final class NoopSpan implements Transaction {
  static final String INVALID_TRACE_ID = "00000000000000000000000000000000";
  static final String INVALID_SPAN_ID = "0000000000000000";

  private final Tracer tracer;

  NoopSpan(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override public String traceId() { return INVALID_TRACE_ID; }
  @Override public String spanId() { return INVALID_SPAN_ID; }
  @Override public String parentSpanId() { return null; }
  @Override public Boolean sampled() { return null; }
  @Override public boolean isRecording() { return false; }
  @Override public String operation() { return ""; }
  @Override public String description() { return null; }
  @Override public Span startChild(String operation, String description) { return this; }
  @Override public Span startChild(String operation, String description, Instant start) { return this; }
  @Override public Span setOperation(String operation) { return this; }
  @Override public Span setOrigin(String origin) { return this; }
  @Override public String origin() { return null; }
  @Override public boolean isNoop() { return true; }
  @Override public Span setDescription(String description) { return this; }
  @Override public Span setStatus(SpanStatus status) { return this; }
  @Override public SpanStatus status() { return null; }
  @Override public Span setTag(String key, String value) { return this; }
  @Override public Span setData(String key, Object value) { return this; }
  @Override public Span setThrowable(Throwable throwable) { return this; }
  @Override public void finish() {}
  @Override public void finish(SpanStatus status) {}
  @Override public void finish(Instant endTimestamp) {}
  @Override public boolean isFinished() { return false; }
  @Override public Scope makeCurrent() { return tracer.storage.attach(this); }
  @Override public Transaction transaction() { return this; }
  @Override public String name() { return ""; }
  @Override public TransactionSource source() { return TransactionSource.CUSTOM; }
  @Override public Transaction setName(String name, TransactionSource source) { return this; }
  @Override public Transaction setMeasurement(String name, double value, String unit) { return this; }
  @Override public Double sampleRate() { return null; }

  @Override
  public String toString() {
    return "NoopSpan";
  }
}
