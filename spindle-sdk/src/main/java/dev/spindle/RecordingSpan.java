package dev.spindle;

import dev.spindle.internal.HexIds;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A child span of a sampled transaction. Kept small on purpose (ids as longs, maps created on
 * first use, one monotonic clock read at start and one at finish): starting and finishing a
 * child is the SDK's hottest path.
 */
class RecordingSpan implements Span {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(RecordingSpan.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final int OPEN = 0;
  static final int FINISHING = 1;
  static final int FINISHED = 2;

  final RecordingTransaction transaction;
  final long spanId;
  final long parentSpanId;
  final long startNanos;
  long endNanos;
  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;
  private volatile String operation;
  private volatile String description;
  private volatile SpanStatus status;
  private volatile String origin;
  private Map<String, String> tags;
  private Map<String, Object> data;

  /** A child span. */
  RecordingSpan(RecordingTransaction transaction, long parentSpanId, String operation,
      String description, long startNanos) {
    this.transaction = transaction;
    this.spanId = newSpanId();
    this.parentSpanId = parentSpanId;
    this.operation = operation;
    this.description = description;
    this.startNanos = startNanos;
  }

  /** The root span of a transaction, which is the subclass itself. */
  RecordingSpan(long parentSpanId, String operation, long startNanos) {
    this.transaction = (RecordingTransaction) this;
    this.spanId = newSpanId();
    this.parentSpanId = parentSpanId;
    this.operation = operation;
    this.startNanos = startNanos;
  }

  static long newSpanId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }

  @Override
  public String traceId() {
    return transaction.traceId;
  }

  @Override
  public String spanId() {
    return HexIds.toHex(spanId);
  }

  @Override
  public String parentSpanId() {
    return parentSpanId == 0 ? null : HexIds.toHex(parentSpanId);
  }

  @Override
  public Boolean sampled() {
    return Boolean.TRUE;
  }

  @Override
  public boolean isRecording() {
    return true;
  }

  @Override
  public String operation() {
    return operation;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Span startChild(String operation, String description) {
    return transaction.startSpan(spanId, operation, description);
  }

  @Override
  public Span setOperation(String operation) {
    if (operation != null && !isFinished()) this.operation = operation;
    return this;
  }

  @Override
  public Span setOrigin(String origin) {
    if (!isFinished()) this.origin = origin;
    return this;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public Span setDescription(String description) {
    if (!isFinished()) this.description = description;
    return this;
  }

  @Override
  public Span setStatus(SpanStatus status) {
    if (!isFinished()) this.status = status;
    return this;
  }

  @Override
  public SpanStatus status() {
    return status;
  }

  @Override
  public Span setTag(String key, String value) {
    if (key == null || isFinished()) return this;
    synchronized (this) {
      if (value == null) {
        if (tags != null) tags.remove(key);
      } else {
        if (tags == null) tags = new LinkedHashMap<>(4);
        tags.put(key, value);
      }
    }
    return this;
  }

  @Override
  public Span setData(String key, Object value) {
    if (key == null || isFinished()) return this;
    synchronized (this) {
      if (value == null) {
        if (data != null) data.remove(key);
      } else {
        if (data == null) data = new LinkedHashMap<>(4);
        data.put(key, value);
      }
    }
    return this;
  }

  @Override
  public Span setThrowable(Throwable throwable) {
    if (throwable == null || isFinished()) return this;
    if (status == null) status = SpanStatus.INTERNAL_ERROR;
    setData("error.type", throwable.getClass().getName());
    return this;
  }

  @Override
  public void finish() {
    finishAt(transaction.clock.nanoTime(), null);
  }

  @Override
  public void finish(SpanStatus status) {
    finishAt(transaction.clock.nanoTime(), status);
  }

  /** Ends the span once; returns true when this call ended it. */
  boolean finishAt(long nanos, SpanStatus finalStatus) {
    if (!STATE.compareAndSet(this, OPEN, FINISHING)) return false;
    if (finalStatus != null) status = finalStatus;
    endNanos = nanos;
    state = FINISHED; // publishes endNanos and status
    onFinished();
    return true;
  }

  void onFinished() {
    transaction.childFinished();
  }

  @Override
  public boolean isFinished() {
    return state != OPEN;
  }

  /** True once the end time is set and visible. */
  boolean hasEnded() {
    return state == FINISHED;
  }

  @Override
  public Scope makeCurrent() {
    return ContextStorage.attach(this);
  }

  @Override
  public Transaction transaction() {
    return transaction;
  }

  synchronized Map<String, String> tagsSnapshot() {
    return tags == null ? Collections.emptyMap() : new LinkedHashMap<>(tags);
  }

  synchronized Map<String, Object> dataSnapshot() {
    return data == null ? Collections.emptyMap() : new LinkedHashMap<>(data);
  }

  @Override
  public String toString() {
    return "Span{" + operation + " " + spanId() + " in " + transaction.traceId + "}";
  }
}
