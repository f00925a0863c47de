package dev.spindle;

import dev.spindle.protocol.SpanStatus;

/**
 * A span that records nothing but propagates its transaction's trace: the children of an
 * unsampled transaction, and children beyond {@code maxSpans}. One instance per transaction
 * serves all such children, so they cost no allocation.
 */
final class NonRecordingSpan implements Span {
  private final Traced transaction;
  private final String spanId;

  NonRecordingSpan(Traced transaction, String spanId) {
    this.transaction = transaction;
    this.spanId = spanId;
  }

  @Override public String traceId() { return transaction.traceState().traceId; }
  @Override public String spanId() { return spanId; }
  @Override public String parentSpanId() { return transaction.parentSpanId(); }
  @Override public Boolean sampled() { return transaction.traceState().sampled; }
  @Override public boolean isRecording() { return false; }
  @Override public String operation() { return transaction.operation(); }
  @Override public String description() { return null; }
  @Override public Span startChild(String operation, String description) { return this; }
  @Override public Span setOperation(String operation) { return this; }
  @Override public Span setOrigin(String origin) { return this; }
  @Override public String origin() { return null; }
  @Override public Span setDescription(String description) { return this; }
  @Override public Span setStatus(SpanStatus status) { return this; }
  @Override public SpanStatus status() { return null; }
  @Override public Span setTag(String key, String value) { return this; }
  @Override public Span setData(String key, Object value) { return this; }
  @Override public Span setThrowable(Throwable throwable) { return this; }
  @Override public void finish() {}
  @Override public void finish(SpanStatus status) {}
  @Override public boolean isFinished() { return false; }
  @Override public Scope makeCurrent() { return ContextStorage.attach(this); }
  @Override public Transaction transaction() { return transaction; }

  @Override
  public String toString() {
    return "NonRecordingSpan{" + spanId + " in " + traceId() + "}";
  }
}
