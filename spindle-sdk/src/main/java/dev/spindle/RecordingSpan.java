package dev.spindle;

import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A child span of a sampled transaction. Kept small on purpose — 64 bytes with compressed
 * references: the id as a long, the parent by reference, tags, data and origin in an object
 * made on first use, one monotonic clock read at start and one at finish — because starting
 * and finishing a child is the SDK's hottest path.
 */
class RecordingSpan implements Span {
  private static final VarHandle STATE;
  private static final VarHandle OPERATION;
  private static final VarHandle DESCRIPTION;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(RecordingSpan.class, "state", int.class);
      OPERATION = lookup.findVarHandle(RecordingSpan.class, "operation", String.class);
      DESCRIPTION = lookup.findVarHandle(RecordingSpan.class, "description", String.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final int OPEN = 0;
  static final int FINISHING = 1;
  static final int FINISHED = 2;

  final RecordingTransaction transaction;
  /** The parent span of this transaction, or null for the transaction itself. */
  final RecordingSpan parent;
  final long spanId;
  final long startNanos;
  long endNanos;
  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;
  private volatile String operation;
  private volatile String description;
  private volatile SpanStatus status;
  /** Tags, data and origin; null until one is set. Guarded by this. */
  private Extras extras;

  /**
   * A child span. The volatile fields are initialized with plain writes (a volatile write costs a
   * full fence on x86): the span reaches other threads only through a publication that orders
   * them — the transaction's buffer slot (release) and its atomic counter, or whatever hands the
   * span (or its scope) to another thread.
   */
  RecordingSpan(RecordingTransaction transaction, RecordingSpan parent, String operation,
      String description, long startNanos) {
    this.transaction = transaction;
    this.parent = parent;
    this.spanId = newSpanId();
    OPERATION.set(this, operation);
    DESCRIPTION.set(this, description);
    this.startNanos = startNanos;
  }

  /** The root span of a transaction, which is the subclass itself. */
  RecordingSpan(String operation, long startNanos) {
    this.transaction = (RecordingTransaction) this;
    this.parent = null;
    this.spanId = newSpanId();
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
    return Ids.toHex(spanId);
  }

  @Override
  public String parentSpanId() {
    return parent.spanId();
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
    RecordingTransaction tx = transaction;
    return tx.startSpan(this, operation, description, tx.clock.nanoTime());
  }

  @Override
  public Span startChild(String operation, String description, Instant startTimestamp) {
    RecordingTransaction tx = transaction;
    return tx.startSpan(this, operation, description, tx.nanosAt(startTimestamp));
  }

  @Override
  public Span setOperation(String operation) {
    if (operation != null && !isFinished()) this.operation = operation;
    return this;
  }

  @Override
  public synchronized Span setOrigin(String origin) {
    if (!isFinished()) extras().origin = origin;
    return this;
  }

  @Override
  public synchronized String origin() {
    return extras == null ? null : extras.origin;
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
  public synchronized Span setTag(String key, String value) {
    if (key == null || isFinished()) return this;
    if (value == null) {
      if (extras != null && extras.tags != null) extras.tags.remove(key);
    } else {
      Extras e = extras();
      if (e.tags == null) e.tags = new LinkedHashMap<>(4);
      e.tags.put(key, value);
    }
    return this;
  }

  @Override
  public synchronized Span setData(String key, Object value) {
    if (key == null || isFinished()) return this;
    if (value == null) {
      if (extras != null && extras.data != null) extras.data.remove(key);
    } else {
      Extras e = extras();
      if (e.data == null) e.data = new LinkedHashMap<>(4);
      e.data.put(key, value);
    }
    return this;
  }

  private Extras extras() {
    if (extras == null) extras = new Extras();
    return extras;
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

  @Override
  public void finish(Instant endTimestamp) {
    finishAt(Math.max(transaction.nanosAt(endTimestamp), startNanos), null);
  }

  /**
   * Ends the span once; returns true when this call ended it. The compare-and-set claims the
   * end; the release write of {@code FINISHED} publishes {@code endNanos} and the status to
   * readers of {@link #hasEnded()} without a full fence; the transaction's atomic update right
   * after publishes them to the thread that sends it.
   */
  boolean finishAt(long nanos, SpanStatus finalStatus) {
    if (!STATE.compareAndSet(this, OPEN, FINISHING)) return false;
    if (finalStatus != null) status = finalStatus;
    endNanos = nanos;
    STATE.setRelease(this, FINISHED);
    RecordingTransaction tx = transaction;
    if (tx == this) tx.transactionFinished(); // no virtual call on the children's path
    else tx.childFinished();
    return true;
  }

  @Override
  public boolean isFinished() {
    return state != OPEN;
  }

  /** True once the end time is set and visible. */
  boolean hasEnded() {
    return (int) STATE.getAcquire(this) == FINISHED;
  }

  @Override
  public Scope makeCurrent() {
    return transaction.context.attach(this);
  }

  @Override
  public Transaction transaction() {
    return transaction;
  }

  synchronized Map<String, String> tagsSnapshot() {
    return extras == null || extras.tags == null ? Collections.emptyMap() : new LinkedHashMap<>(extras.tags);
  }

  synchronized Map<String, Object> dataSnapshot() {
    return extras == null || extras.data == null ? Collections.emptyMap() : new LinkedHashMap<>(extras.data);
  }

  @Override
  public String toString() {
    return "Span{" + operation + " " + spanId() + " in " + transaction.traceId + "}";
  }

  /** What most spans never have. */
  private static final class Extras {
    Map<String, String> tags;
    Map<String, Object> data;
    String origin;
  }
}
