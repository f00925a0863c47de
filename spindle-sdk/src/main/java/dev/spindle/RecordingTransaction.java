package dev.spindle;

import dev.spindle.internal.Ids;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sampled transaction: the root span, the list of its child spans, and the bookkeeping that
 * sends it exactly once — when it has finished and its last open child has finished, or when
 * {@link SpindleOptions#getOpenChildrenTimeout()} passes after it finished, whichever is first.
 * Children still open then are sent with status {@code deadline_exceeded}.
 */
final class RecordingTransaction extends RecordingSpan implements Transaction, Traced {
  final Tracer tracer;
  final SpanClock clock;
  final String traceId;
  final TraceState traceState;
  final long startWallMicros;
  private final String parentSpanIdHex;
  private final int maxSpans;
  private final AtomicInteger openChildren = new AtomicInteger();
  /** Guarded by itself; no longer changed once {@link #sent}. */
  private final SpanBuffer children = new SpanBuffer();
  /** Guarded by {@link #children}. */
  private boolean sent;
  /** Guarded by {@link #children}. */
  private int droppedSpans;
  private Future<?> deadline;
  private volatile String name;
  private volatile TransactionSource source;
  private Map<String, TransactionData.Measurement> measurements;
  private NonRecordingSpan overflow;

  RecordingTransaction(Tracer tracer, TraceState traceState, String parentSpanIdHex,
      String name, TransactionSource source, String operation, SpanClock clock) {
    super(operation, clock.nanoTime());
    this.tracer = tracer;
    this.clock = clock;
    this.traceState = traceState;
    this.traceId = traceState.traceId;
    this.parentSpanIdHex = parentSpanIdHex;
    this.startWallMicros = clock.wallMicros();
    this.maxSpans = tracer.options.getMaxSpans();
    this.name = name;
    this.source = source;
  }

  @Override
  public String parentSpanId() {
    return parentSpanIdHex;
  }

  @Override
  public Transaction transaction() {
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public TransactionSource source() {
    return source;
  }

  @Override
  public Transaction setName(String name, TransactionSource source) {
    if (name != null && source != null && !isFinished()) {
      this.name = name;
      this.source = source;
    }
    return this;
  }

  @Override
  public synchronized Transaction setMeasurement(String name, double value, String unit) {
    if (name == null || isFinished()) return this;
    if (measurements == null) measurements = new LinkedHashMap<>();
    measurements.put(name, new TransactionData.Measurement(value, unit));
    return this;
  }

  @Override
  public TraceState traceState() {
    return traceState;
  }

  @Override
  public Double sampleRate() {
    return traceState.sampleRate;
  }

  /** Starts a child of the span {@code parentId} of this transaction. */
  Span startSpan(RecordingSpan parent, String operation, String description) {
    long now = clock.nanoTime();
    synchronized (children) {
      if (sent || children.size() >= maxSpans) {
        droppedSpans++;
        return overflow();
      }
      RecordingSpan span = new RecordingSpan(this, parent, operation, description, now);
      children.add(span);
      openChildren.incrementAndGet();
      return span;
    }
  }

  /** A non-recording stand-in for children beyond maxSpans, so that propagation still works. */
  private NonRecordingSpan overflow() {
    if (overflow == null) overflow = new NonRecordingSpan(this, spanId());
    return overflow;
  }

  void childFinished() {
    if (openChildren.decrementAndGet() == 0 && hasEnded()) send(false);
  }

  @Override
  void onFinished() {
    if (openChildren.get() == 0) {
      send(false);
      return;
    }
    Future<?> d = tracer.awaitChildren(this);
    synchronized (children) {
      if (sent) d.cancel(false);
      else deadline = d;
    }
  }

  /** Sends now, with children still open marked deadline_exceeded. */
  void sendAtDeadline() {
    send(true);
  }

  private void send(boolean atDeadline) {
    int dropped;
    synchronized (children) {
      if (sent) return;
      sent = true;
      dropped = droppedSpans;
      if (deadline != null && !atDeadline) deadline.cancel(false);
      deadline = null;
    }
    tracer.stopAwaiting(this);
    long now = clock.nanoTime();
    String eventId = Ids.newEventId();
    tracer.send(this, eventId, () -> toData(eventId, now), dropped);
  }

  /** The event, built from the spans as they are now; children still open are marked late. */
  private TransactionData.Builder toData(String eventId, long nowNanos) {
    TransactionData.Builder b = new TransactionData.Builder();
    b.eventId = eventId;
    b.traceId = traceId;
    b.spanId = spanId();
    b.parentSpanId = parentSpanIdHex;
    b.operation = operation();
    b.description = description();
    b.status = status() == null ? SpanStatus.OK : status();
    b.startMicros = startWallMicros;
    b.endMicros = micros(endNanos);
    b.data = dataSnapshot();
    synchronized (this) {
      if (measurements != null) b.measurements = new LinkedHashMap<>(measurements);
    }
    b.name = name;
    b.source = source;
    b.sampleRate = traceState.sampleRate;
    b.origin = origin();
    b.tags.putAll(tagsSnapshot());
    String ownId = b.spanId; // most children hang directly under the transaction
    children.forEach(s -> {
      boolean ended = s.hasEnded();
      SpanStatus st = ended ? (s.status() == null ? SpanStatus.OK : s.status())
          : SpanStatus.DEADLINE_EXCEEDED;
      long end = ended ? s.endNanos : nowNanos;
      String parentId = s.parent == this ? ownId : s.parent.spanId();
      b.spans.add(new SpanData(s.spanId(), parentId, s.operation(), s.description(), st,
          micros(s.startNanos), micros(end), s.tagsSnapshot(), s.dataSnapshot(), s.origin()));
    });
    return b;
  }

  /** Wall-clock microseconds of a monotonic reading taken during this transaction. */
  long micros(long nanos) {
    return startWallMicros + (nanos - startNanos) / 1_000;
  }

  @Override
  public String toString() {
    return "Transaction{" + name + " " + spanId() + " in " + traceId + "}";
  }
}
