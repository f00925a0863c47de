package dev.spindle;

import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import java.time.Instant;

/**
 * A span that records nothing but propagates its transaction's trace: the children of an
 * unsampled transaction, and children beyond {@code maxSpans}. Each has its own span id (one
 * random long, written as hex only when asked), as W3C Trace Context requires, so that every
 * outgoing call names a distinct parent downstream; it costs one small object and nothing else.
 */
final class NonRecordingSpan implements Span {
  private final Traced transaction;
  private final Span parent;
  private final long spanId;

  NonRecordingSpan(Traced transaction, Span parent) {
    this.transaction = transaction;
    this.parent = parent;
    this.spanId = RecordingSpan.newSpanId();
  }

  @Override public String traceId() { return transaction.traceState().traceId; }
  @Override public String spanId() { return Ids.toHex(spanId); }
  @Override public String parentSpanId() { return parent.spanId(); }
  @Override public Boolean sampled() { return transaction.traceState().sampled; }
  @Override public boolean isRecording() { return false; }
  @Override public String operation() { return transaction.operation(); }
  @Override public String description() { return null; }
  @Override public Span startChild(String operation, String description) { return transaction.childNotRecorded(this); }
  @Override public Span startChild(String operation, String description, Instant start) { return transaction.childNotRecorded(this); }
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
  @Override public void finish(Instant endTimestamp) {}
  @Override public boolean isFinished() { return false; }
  @Override public Scope makeCurrent() { return transaction.context().attach(this); }
  @Override public Transaction transaction() { return transaction; }

  @Override
  public String toString() {
    return "NonRecordingSpan{" + spanId() + " in " + traceId() + "}";
  }
}
