package dev.spindle;

import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * A sampled transaction: the root span, the list of its child spans, and the bookkeeping that
 * sends it exactly once — when it has finished and its last open child has finished, or when
 * {@link SpindleOptions#getOpenChildrenTimeout()} passes after it finished, whichever is first.
 * Children still open then are sent with status {@code deadline_exceeded}.
 *
 * <p>Lock-free: one {@code long} word, changed only atomically, holds the number of children
 * started, the number still open, whether the transaction has ended and whether it was sent.
 * Starting a child reserves its slot and counts it open in one compare-and-set; finishing one
 * is one atomic decrement; whoever sets the sent bit (the last child to finish after the
 * transaction ended, the transaction itself, or the deadline) sends, so it is sent exactly once.
 * The children's slots are written before they finish, and the decrement publishes them to the
 * sender.
 */
final class RecordingTransaction extends RecordingSpan implements Transaction, Traced {
  private static final VarHandle CTL;

  static {
    try {
      CTL = MethodHandles.lookup().findVarHandle(RecordingTransaction.class, "ctl", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Bits 0-31 of {@link #ctl}: children open. */
  private static final long OPEN_MASK = 0xFFFF_FFFFL;
  /** The trace-data key counting the children a sent transaction did not record. */
  static final String DROPPED_SPANS = "spindle.dropped_spans";
  /** Bits 32-61 of {@link #ctl}: children started, kept or dropped (up to {@link #STARTED_MAX}). */
  private static final int STARTED_SHIFT = 32;
  private static final long ONE_STARTED = 1L << STARTED_SHIFT;
  static final int STARTED_MAX = (1 << 30) - 1;
  /** The transaction itself has finished. */
  private static final long ENDED = 1L << 62;
  /** The transaction was handed to the tracer; no child is added any more. */
  private static final long SENT = 1L << 63;

  final Tracer tracer;
  final ContextStorage context;
  final SpanClock clock;
  final String traceId;
  final TraceState traceState;
  final long startWallMicros;
  private final String parentSpanIdHex;
  /** This transaction's span id in hex, made at the first use (each outgoing call may read it). */
  private String spanIdHex;
  private final int maxSpans;
  private final SpanBuffer children;
  /** Children started and open, {@link #ENDED}, {@link #SENT}; see the class comment. */
  private volatile long ctl;
  private volatile Future<?> deadline;
  private volatile String name;
  private volatile TransactionSource source;
  private Map<String, TransactionData.Measurement> measurements;
  private volatile ScopeData scope;

  RecordingTransaction(Tracer tracer, TraceState traceState, TransactionContext context,
      SpanClock clock, ScopeData scope) {
    this(tracer, traceState, context, clock, scope, clock.nanoTime(), clock.wallMicros());
  }

  /**
   * Starts at {@code context}'s start time, or now: its wall time, and the monotonic reading that
   * stands for it (in the past when the start is), from one reading of both clocks.
   */
  private RecordingTransaction(Tracer tracer, TraceState traceState, TransactionContext context,
      SpanClock clock, ScopeData scope, long nowNanos, long nowMicros) {
    super(context.operation(), context.startTimestamp() == null ? nowNanos
        : readingAt(nowNanos, nowMicros, context.startTimestamp(), nowNanos));
    this.scope = scope;
    this.tracer = tracer;
    this.context = tracer.storage;
    this.clock = clock;
    this.traceState = traceState;
    this.traceId = traceState.traceId;
    this.parentSpanIdHex = context.parentSpanId();
    this.startWallMicros = nowMicros + (startNanos - nowNanos) / 1_000;
    this.maxSpans = Math.min(tracer.options.getMaxSpans(), STARTED_MAX);
    this.children = new SpanBuffer(maxSpans);
    this.name = context.name();
    this.source = context.source();
  }

  /** The monotonic reading that stands for {@code time} on this transaction's timeline; null: now. */
  long nanosAt(Instant time) {
    long now = clock.nanoTime();
    return time == null ? now : readingAt(startNanos, startWallMicros, time, now);
  }

  /**
   * The monotonic reading for {@code time} on the timeline where {@code baseNanos} stands for the
   * wall time {@code baseMicros}; {@code orElse} when it does not fit in a long (centuries away),
   * which is reported as a wrong call.
   */
  private static long readingAt(long baseNanos, long baseMicros, Instant time, long orElse) {
    try {
      long micros = Math.subtractExact(SpanClock.micros(time), baseMicros);
      return Math.addExact(baseNanos, Math.multiplyExact(micros, 1_000L));
    } catch (ArithmeticException e) {
      Misuse.report("a span time centuries away (taken as now)");
      return orElse;
    }
  }

  @Override
  public String spanId() {
    String hex = spanIdHex; // a race makes equal strings
    if (hex == null) spanIdHex = hex = super.spanId();
    return hex;
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

  @Override
  public ScopeData scope() {
    return scope;
  }

  @Override
  public ContextStorage context() {
    return context;
  }

  @Override
  public synchronized void updateScope(UnaryOperator<ScopeData> change) {
    scope = change.apply(scope);
  }

  private static int started(long ctl) {
    return (int) ((ctl >>> STARTED_SHIFT) & STARTED_MAX);
  }

  /** Starts a child of the span {@code parent} of this transaction at the reading {@code now}. */
  Span startSpan(RecordingSpan parent, String operation, String description, long now) {
    long c = ctl;
    if (!accepts(c)) return childNotRecorded(parent);
    RecordingSpan span = new RecordingSpan(this, parent, operation, description, now);
    while (!CTL.weakCompareAndSet(this, c, c + ONE_STARTED + 1)) {
      c = ctl;
      if (!accepts(c)) return childNotRecorded(parent);
    }
    children.set(started(c), span);
    return span;
  }

  /** True when a child may be recorded: the transaction was not sent and has room. */
  private boolean accepts(long c) {
    return (c & SENT) == 0 && started(c) < maxSpans;
  }

  /**
   * A child beyond {@code maxSpans}, or started after the transaction was sent: not recorded, but
   * with its own id so that propagation still names it, and counted as a dropped span — in this
   * transaction's count while it is not sent, else reported to the transport at once.
   */
  @Override
  public Span childNotRecorded(Span parent) {
    if (!countDropped()) tracer.spansDropped(1);
    return new NonRecordingSpan(this, parent);
  }

  /** Counts one dropped child as started; false when the transaction was sent (or the count is full). */
  private boolean countDropped() {
    long c;
    do {
      c = ctl;
      if ((c & SENT) != 0 || started(c) >= STARTED_MAX) return false;
    } while (!CTL.weakCompareAndSet(this, c, c + ONE_STARTED));
    return true;
  }

  /** A child finished: the last one of an ended transaction sends it. */
  void childFinished() {
    long c = (long) CTL.getAndAdd(this, -1L);
    if ((c & (OPEN_MASK | ENDED | SENT)) == (ENDED | 1)) sendIfDone();
  }

  /** The transaction itself finished: sends it now, or when its last open child finishes. */
  void transactionFinished() {
    long c = (long) CTL.getAndBitwiseOr(this, ENDED);
    if ((c & OPEN_MASK) == 0 && sendIfDone()) return;
    Future<?> d = tracer.awaitChildren(this);
    deadline = d;
    // The last child may have sent it meanwhile, before it could see the deadline: undo.
    if ((ctl & SENT) != 0) {
      d.cancel(false);
      tracer.stopAwaiting(this);
    }
  }

  /**
   * Called once the transaction ended: sends it if no child is open, atomically with that check
   * (a child may start after the transaction ended). Returns false when a child is open — its
   * finish sends it — and true when it is sent, by this call or another.
   */
  private boolean sendIfDone() {
    long c;
    do {
      c = ctl;
      if ((c & SENT) != 0) return true;
      if ((c & OPEN_MASK) != 0) return false;
    } while (!CTL.compareAndSet(this, c, c | SENT));
    sent(c, false);
    return true;
  }

  /** Sends now, with children still open marked deadline_exceeded. */
  void sendAtDeadline() {
    long c = (long) CTL.getAndBitwiseOr(this, SENT);
    if ((c & SENT) == 0) sent(c, true);
  }

  /** This thread set the sent bit on {@code c}: hands the transaction to the tracer. */
  private void sent(long c, boolean atDeadline) {
    tracer.stopAwaiting(this);
    Future<?> d = deadline;
    if (d != null && !atDeadline) d.cancel(false);
    int started = started(c);
    int kept = Math.min(started, maxSpans);
    long now = clock.nanoTime();
    String eventId = Ids.newEventId();
    tracer.send(this, eventId, () -> toData(eventId, now, kept, started - kept), started - kept);
  }

  /**
   * The event, built from the spans as they are now; children still open are marked late. The
   * children not recorded (beyond {@code maxSpans}) are counted in the trace data's
   * {@value #DROPPED_SPANS} (the server's verdict "truncated").
   */
  private TransactionData.Builder toData(String eventId, long nowNanos, int kept, int dropped) {
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
    if (dropped > 0) {
      b.data = new LinkedHashMap<>(b.data);
      b.data.put(DROPPED_SPANS, dropped);
    }
    synchronized (this) {
      if (measurements != null) b.measurements = new LinkedHashMap<>(measurements);
    }
    b.name = name;
    b.source = source;
    b.sampleRate = traceState.sampleRate;
    b.origin = origin();
    b.tags.putAll(tagsSnapshot());
    String ownId = b.spanId; // most children hang directly under the transaction
    children.forEach(kept, s -> {
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
