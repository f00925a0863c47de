package dev.spindle;

import dev.spindle.propagation.DynamicSamplingContext;
import dev.spindle.propagation.IncomingTrace;
import dev.spindle.internal.propagation.OutgoingTrace;
import dev.spindle.propagation.Propagation;
import dev.spindle.internal.propagation.SampleRand;
import dev.spindle.internal.propagation.TracePropagationTargets;
import dev.spindle.internal.propagation.TracePropagator;
import dev.spindle.protocol.Dsn;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.internal.JsonWriter;
import dev.spindle.protocol.SpanStatus;
import dev.spindle.transport.DiscardReason;
import dev.spindle.transport.Envelope;
import dev.spindle.internal.transport.HttpTransport;
import dev.spindle.transport.Transport;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Starts transactions, decides sampling, propagates traces and sends what finishes. A tracer is
 * usable on its own (tests, several tenants in one process); {@link Spindle} holds the one most
 * applications use. Each tracer has its own current span per thread: a span of one tracer is
 * never current in (nor propagated by) another. Thread-safe. Close it to deliver what is queued.
 */
public final class Tracer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Tracer.class.getName());

  final SpindleOptions options;
  /** This tracer's current span per thread: other tracers' spans are never current here. */
  final ContextStorage storage = new ContextStorage();
  private final ContextWrappers wrappers = new ContextWrappers(() -> storage);
  private final NoopSpan noop = new NoopSpan(this);
  private final Transport transport;
  private final Dsn dsn;
  private final TracePropagator propagator;
  private final TracePropagationTargets targets;
  private final SpanClock clock;
  private final InApp inApp;
  private final Object scopeLock = new Object();
  /** Tags from the options, and what is set outside any transaction; guarded by scopeLock. */
  private volatile ScopeData globalScope;
  private volatile ScheduledThreadPoolExecutor scheduler;
  /** Finished transactions waiting for open children. */
  private final Set<RecordingTransaction> awaiting = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final boolean enabled;
  private volatile Double tracesSampleRate;

  /** {@code options}: resolved and frozen. */
  private Tracer(SpindleOptions options) {
    this.options = options;
    this.enabled = options.isEnabled();
    this.tracesSampleRate = options.getTracesSampleRate();
    this.clock = options.getClock();
    this.dsn = enabled ? parseDsn(options.getDsn()) : null;
    this.transport = !enabled ? Transport.noop()
        : options.getTransport() != null ? options.getTransport() : newTransport(options, dsn);
    this.propagator = TracePropagator.create(options.isPropagateSentryHeaders(),
        options.isPropagateTraceparent());
    this.targets = TracePropagationTargets.of(options.getTracePropagationTargets());
    this.globalScope = ScopeData.EMPTY.withTags(options.getTags());
    this.inApp = new InApp(options.getInAppIncludes(), options.getInAppExcludes());
  }

  /**
   * A tracer configured by {@code options}, completed from system properties, the environment
   * and {@code spindle.properties} (see {@link SpindleOptions}). Never fails: an invalid value,
   * such as a DSN that does not parse, is logged, counted and ignored.
   */
  public static Tracer create(SpindleOptions options) {
    return create(options, Configuration.ofProcess());
  }

  static Tracer create(SpindleOptions options, Configuration configuration) {
    if (options == null) Misuse.report("Tracer.create(null); using the defaults");
    return new Tracer(configuration.resolve(options != null ? options : new SpindleOptions()));
  }

  /** A tracer with the defaults only, reading no configuration: {@link Spindle}'s before init. */
  static Tracer unconfigured() {
    return new Tracer(new SpindleOptions().freeze());
  }

  private static Dsn parseDsn(String dsn) {
    if (dsn == null) return null;
    try {
      return Dsn.parse(dsn);
    } catch (IllegalArgumentException e) {
      Misuse.report("dsn: " + e.getMessage() + "; nothing is sent");
      return null;
    }
  }

  private static Transport newTransport(SpindleOptions o, Dsn dsn) {
    if (dsn == null) return Transport.noop();
    return HttpTransport.builder(dsn)
        .queueSize(o.getMaxQueueSize())
        .spoolDir(o.getSpoolDirectory())
        .spoolMaxBytes(o.getSpoolMaxBytes())
        .shutdownTimeout(o.getShutdownTimeout())
        .sdk(EventJson.SDK_NAME, EventJson.SDK_VERSION)
        .build();
  }

  /**
   * The options this tracer started with, completed from the other sources: a snapshot, whose
   * setters are reported and ignored. The sample rate in use is {@link #tracesSampleRate()}.
   */
  public SpindleOptions options() {
    return options;
  }

  /** False when configured with {@code enabled=false}: nothing is recorded or sent. */
  public boolean isEnabled() {
    return enabled;
  }

  /** The share of new traces sampled now; starts as {@link SpindleOptions#getTracesSampleRate()}. */
  public Double tracesSampleRate() {
    return tracesSampleRate;
  }

  /**
   * Changes the share of new traces to sample, in [0, 1], from now on (null: none, unless a
   * sampler decides). An invalid rate is reported and ignored.
   */
  public void setTracesSampleRate(Double rate) {
    if (rate != null && !(rate >= 0.0 && rate <= 1.0)) {
      Misuse.report("setTracesSampleRate(" + rate + ") (expected: 0.0..1.0)");
      return;
    }
    tracesSampleRate = rate;
  }

  /** True when a rate or a sampler is set, i.e. transactions may be sent. */
  private boolean tracingEnabled() {
    return tracesSampleRate != null || options.getTracesSampler() != null;
  }

  /** Starts a transaction that begins a new trace, or continues none. */
  public Transaction startTransaction(String name, String operation) {
    return startTransaction(TransactionContext.builder(name, operation).build(), null);
  }

  public Transaction startTransaction(TransactionContext context) {
    return startTransaction(context, null);
  }

  /**
   * Starts a transaction. {@code customSamplingContext} is passed to the traces sampler only.
   * Never throws for bad input from upstream: a trace that may not be continued starts anew.
   */
  public Transaction startTransaction(TransactionContext context, Map<String, Object> customSamplingContext) {
    if (context == null) {
      Misuse.report("startTransaction(null)");
      return noop;
    }
    IncomingTrace in = context.incoming();
    if (!enabled) return passThrough(in, context);
    if (in != null && !TracePropagator.shouldContinue(in, options.getOrgId(), options.isStrictTraceContinuation())) {
      in = null;
      context = context.withoutIncoming();
    }
    String traceId = in != null ? in.traceId() : Ids.newTraceId();
    Boolean parentSampled = context.parentSampled();
    Double parentRate = context.parentSampleRate();
    double rand;
    if (context.sampleRand() != null) rand = context.sampleRand();
    else if (parentSampled != null && parentRate != null) {
      rand = SampleRand.backfill(parentSampled, parentRate, ThreadLocalRandom.current());
    } else rand = SampleRand.fromTraceId(traceId);

    Boolean sampled;
    Double rate;
    Double configuredRate = tracesSampleRate; // read once: it may change at run time
    Double fromSampler = context.sampled() == null ? sample(context, customSamplingContext) : null;
    if (context.sampled() != null) {
      sampled = context.sampled();
      rate = sampled ? 1.0 : 0.0;
    } else if (fromSampler != null) {
      rate = fromSampler;
      sampled = rand < rate;
    } else if (parentSampled != null) {
      sampled = parentSampled;
      rate = parentRate;
    } else if (configuredRate != null) {
      rate = configuredRate;
      sampled = rand < rate;
    } else {
      sampled = null; // tracing without performance: the decision is left to downstream
      rate = null;
    }
    boolean record = Boolean.TRUE.equals(sampled)
        && (tracingEnabled() || context.sampled() != null) && !closed;
    TraceState state = new TraceState(traceId, sampled, rate, rand,
        in == null ? null : in.tracestate(), in == null || in.randomTraceId(),
        in == null ? null : in.dsc());
    ScopeData scope = requestScope(storage.current()); // forked: shared, never changed
    if (record) {
      return new RecordingTransaction(this, state, context, clock, scope);
    }
    if (Boolean.FALSE.equals(sampled) && tracingEnabled()) {
      transport.recordLostEvent(DiscardReason.SAMPLE_RATE, "transaction", 1);
    }
    return new NonRecordingTransaction(storage, state, context.parentSpanId(), context.name(),
        context.source(), context.operation(), scope);
  }

  /**
   * When disabled: a transaction that records nothing and propagates what came in, unchanged
   * (the trace, the caller's span id, its decision, its DSC and tracestate).
   */
  private Transaction passThrough(IncomingTrace in, TransactionContext context) {
    if (in == null) return noop;
    TraceState state = new TraceState(in.traceId(), in.sampled(), null,
        SampleRand.fromTraceId(in.traceId()), in.tracestate(), in.randomTraceId(), in.dsc());
    return new NonRecordingTransaction(storage, state, in.parentSpanId(), context.name(), context.source(),
        context.operation(), ScopeData.EMPTY);
  }

  private Double sample(TransactionContext context, Map<String, Object> custom) {
    TracesSampler sampler = options.getTracesSampler();
    if (sampler == null) return null;
    try {
      Double r = sampler.sample(new SamplingContext(context, custom));
      if (r == null) return null;
      if (!(r >= 0.0 && r <= 1.0)) {
        LOG.log(Level.WARNING, "tracesSampler returned {0} (expected: 0.0..1.0); ignored", r);
        return null;
      }
      return r;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "tracesSampler threw; falling back to the parent or the rate", e);
      return null;
    }
  }

  /**
   * Reads the trace headers of an incoming request: {@code sentry-trace} + {@code baggage}, or
   * W3C {@code traceparent} + {@code tracestate}. Returns null when none is valid.
   */
  public <C> IncomingTrace extract(C carrier, Propagation.Getter<C> getter) {
    try {
      IncomingTrace in = propagator.extract(carrier, getter);
      if (in == null && carrier != null && getter != null && (getter.get(carrier, Propagation.SENTRY_TRACE) != null
          || !getter.getAll(carrier, Propagation.TRACEPARENT).isEmpty())) {
        headersRejected();
      }
      return in;
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "ignoring unreadable trace headers", e);
      headersRejected();
      return null;
    }
  }

  /** Counts trace headers that arrived but could not be read: the context they carried is lost here. */
  private void headersRejected() {
    transport.recordLostEvent(DiscardReason.INVALID_TRACE_HEADERS, DiscardReason.TRACE_CONTEXT, 1);
  }

  /** Starts a transaction continuing the trace in {@code carrier}'s headers, or a new one. */
  public <C> Transaction continueTrace(C carrier, Propagation.Getter<C> getter, String name,
      String operation, TransactionSource source) {
    return startTransaction(TransactionContext.builder(name, operation).source(source)
        .continueFrom(extract(carrier, getter)).build());
  }

  /**
   * Writes {@code span}'s trace headers into an outgoing request's {@code carrier}. Freezes the
   * dynamic sampling context. Does nothing for the no-op span.
   */
  public <C> void inject(Span span, C carrier, Propagation.Setter<C> setter) {
    inject(span, carrier, null, setter);
  }

  /** Like {@link #inject(Span, Object, Propagation.Setter)}, merging a {@code baggage} header already there. */
  public <C> void inject(Span span, C carrier, Propagation.Getter<C> getter, Propagation.Setter<C> setter) {
    if (!(span.transaction() instanceof Traced)) return;
    Traced tx = (Traced) span.transaction();
    // Disabled: the caller's span and what came in pass through unchanged.
    OutgoingTrace out = tx.traceState().outgoing(this, tx);
    String spanId = enabled ? span.spanId() : tx.parentSpanId();
    try {
      if (getter == null) propagator.inject(out, spanId, carrier, setter);
      else propagator.inject(out, spanId, carrier, getter, setter);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "could not write trace headers", e);
    }
  }

  /**
   * True when requests to {@code url} should carry trace headers: it matches
   * {@code tracePropagationTargets} and is not this tracer's own ingest URL.
   */
  public boolean shouldPropagateTo(String url) {
    if (url == null) return false;
    if (dsn != null && dsn.isIngestUrl(url)) return false;
    return targets.matches(url);
  }

  /** The span current on this thread, or a no-op span; never null. */
  public Span currentSpan() {
    Span s = storage.current();
    return s == null ? noop : s;
  }

  /**
   * The span that records and propagates nothing, which {@link #currentSpan()} returns when none is
   * current. Making it current hides this tracer's current span (not another tracer's) until its
   * scope closes.
   */
  public Span noopSpan() {
    return noop;
  }

  /**
   * {@code task}, running with this tracer's span current now (at this call) on whichever thread
   * runs it; {@link Spindle#wrap(Runnable)} is the same for {@link Spindle}'s tracer.
   */
  public Runnable wrap(Runnable task) {
    return wrappers.wrap(Objects.requireNonNull(task, "task"));
  }

  /** Like {@link #wrap(Runnable)}. */
  public <V> Callable<V> wrap(Callable<V> task) {
    return wrappers.wrap(Objects.requireNonNull(task, "task"));
  }

  /** An executor whose tasks run with this tracer's span current when each was submitted. */
  public Executor wrap(Executor executor) {
    return wrappers.wrap(Objects.requireNonNull(executor, "executor"));
  }

  /** Like {@link #wrap(Executor)}. */
  public ExecutorService wrap(ExecutorService executor) {
    return wrappers.wrap(Objects.requireNonNull(executor, "executor"));
  }

  /** Like {@link #wrap(Executor)}. */
  public ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return wrappers.wrap(Objects.requireNonNull(executor, "executor"));
  }

  /** An executor running every task on {@code executor} with this tracer's span current now. */
  public Executor contextExecutor(Executor executor) {
    return wrappers.bind(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Sends an error event for {@code error}, tied to the current span's trace so that errors in
   * different services are linked, with the scopes' user, tags, contexts and breadcrumbs. Returns
   * the event id; 32 zeros (nothing sent) for a null {@code error}, which is reported, not thrown.
   */
  public String captureException(Throwable error) {
    if (error == null) {
      Misuse.report("captureException(null)");
      return NoopSpan.INVALID_TRACE_ID;
    }
    return captureEvent(ErrorEvent.of(error));
  }

  /** Sends a message event at {@code level} ({@code info} when null); see {@link #captureEvent}. */
  public String captureMessage(String message, EventLevel level) {
    if (message == null) {
      Misuse.report("captureMessage(null)");
      return NoopSpan.INVALID_TRACE_ID;
    }
    return captureEvent(ErrorEvent.ofMessage(message, level));
  }

  /**
   * Sends {@code event}, tied to the current span's trace, with the scopes' tags and user filled
   * in, their contexts and breadcrumbs, after {@link SpindleOptions#setBeforeSend} (which may drop
   * it). An exception event of level {@code error} or worse marks a recording current span
   * {@code internal_error} unless it has a status. Returns the event id.
   */
  public String captureEvent(ErrorEvent event) {
    if (event == null) {
      Misuse.report("captureEvent(null)");
      return NoopSpan.INVALID_TRACE_ID;
    }
    String eventId = event.eventId();
    if (closed || !enabled) return eventId;
    try {
      Span span = currentSpan();
      if (event.throwable() != null && event.level().compareTo(EventLevel.ERROR) <= 0
          && span.isRecording() && span.status() == null) {
        span.setStatus(SpanStatus.INTERNAL_ERROR);
      }
      ScopeData scope = ScopeData.merge(globalScope, requestScope(span));
      event.fillFrom(scope);
      if (options.getBeforeSend() != null) {
        event = beforeSend(event);
        if (event == null) {
          transport.recordLostEvent(DiscardReason.BEFORE_SEND, "error", 1);
          return eventId;
        }
        eventId = event.eventId(); // the hook may return another event
      }
      String json = EventJson.error(event, clock.wallMicros(), span, options.getRelease(),
          options.getEnvironment(), options.getServerName(), scope, inApp);
      Envelope.Builder e = Envelope.builder().eventId(eventId)
          .sdk(EventJson.SDK_NAME, EventJson.SDK_VERSION)
          .addItem("event", "application/json", json.getBytes(StandardCharsets.UTF_8));
      if (span.transaction() instanceof Traced) e.traceJson(dscJson((Traced) span.transaction()));
      transport.send(e.build());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not capture an error event", e);
      transport.recordLostEvent(DiscardReason.INTERNAL_SDK_ERROR, "error", 1);
    }
    return eventId;
  }

  private ErrorEvent beforeSend(ErrorEvent event) {
    try {
      return options.getBeforeSend().apply(event);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "beforeSend threw; sending the event unchanged", e);
      return event;
    }
  }

  /**
   * Sets a tag on the current scope: the request's — the transaction current on this thread, which
   * follows the request across threads as the current span does ({@link Spindle#wrap}) — or,
   * outside any transaction, the global scope of this tracer, for every transaction and error
   * from now on. A null value removes the tag; a null key is ignored.
   */
  public void setTag(String key, String value) {
    if (key == null) {
      Misuse.report("setTag with a null key");
      return;
    }
    updateScope(s -> s.withTag(key, value));
  }

  /**
   * Sets the user of the current scope (see {@link #setTag}); null for none (a request without
   * a user of its own gets the global scope's).
   */
  public void setUser(User user) {
    updateScope(s -> s.withUser(user));
  }

  /**
   * Sets a context (such as {@code "order" -> {"id": 42}}) on the current scope (see
   * {@link #setTag}): a copy of {@code values}, sent under {@code contexts}. Null removes it.
   */
  public void setContext(String key, Map<String, ?> values) {
    if (key == null || "trace".equals(key)) {
      Misuse.report("setContext with a null key or \"trace\"");
      return;
    }
    updateScope(s -> s.withContext(key, values));
  }

  /**
   * Adds a breadcrumb, timed now, to the current scope (see {@link #setTag}); the newest
   * {@value ScopeData#MAX_BREADCRUMBS} are kept.
   */
  public void addBreadcrumb(Breadcrumb breadcrumb) {
    if (breadcrumb == null) {
      Misuse.report("addBreadcrumb(null)");
      return;
    }
    Breadcrumb timed = breadcrumb.at(clock.wallMicros());
    updateScope(s -> s.withBreadcrumb(timed));
  }

  private void updateScope(UnaryOperator<ScopeData> change) {
    if (!enabled) return;
    Span current = storage.current();
    if (current != null && current.transaction() instanceof Traced) {
      ((Traced) current.transaction()).updateScope(change);
      return;
    }
    synchronized (scopeLock) {
      globalScope = change.apply(globalScope);
    }
  }

  /** The request scope of {@code span}'s transaction; empty when there is none. */
  private static ScopeData requestScope(Span span) {
    return span != null && span.transaction() instanceof Traced
        ? ((Traced) span.transaction()).scope() : ScopeData.EMPTY;
  }

  /** Waits until what is queued has been delivered; false when the timeout passed first. */
  public boolean flush(Duration timeout) {
    return transport.flush(timeout);
  }

  /** Delivers what is queued (up to the shutdown timeout) and stops sending. */
  @Override
  public void close() {
    closed = true;
    ScheduledThreadPoolExecutor s = scheduler;
    if (s != null) s.shutdownNow();
    for (RecordingTransaction tx : awaiting.toArray(new RecordingTransaction[0])) tx.sendAtDeadline();
    transport.close();
  }

  DynamicSamplingContext newDsc(TraceState state, Transaction tx) {
    DynamicSamplingContext.Builder b = DynamicSamplingContext.builder().traceId(state.traceId);
    if (dsn != null) b.publicKey(dsn.publicKey());
    b.release(options.getRelease()).environment(options.getEnvironment()).orgId(options.getOrgId());
    b.sampleRand(SampleRand.format(state.sampleRand));
    if (tracingEnabled()) {
      if (state.sampleRate != null) b.sampleRate(formatRate(state.sampleRate));
      if (state.sampled != null) b.sampled(state.sampled);
      if (tx.source() != TransactionSource.URL) b.transaction(tx.name());
    }
    return b.build();
  }

  private static String formatRate(double rate) {
    String s = Double.toString(rate);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private String dscJson(Traced tx) {
    JsonWriter w = new JsonWriter();
    tx.traceState().dsc(this, tx).writeJson(w);
    return w.toString();
  }

  /**
   * Sends {@code tx} when {@link SpindleOptions#getOpenChildrenTimeout()} passes, unless its last
   * child finishes first; {@link #close()} sends every transaction still waiting.
   */
  Future<?> awaitChildren(RecordingTransaction tx) {
    awaiting.add(tx);
    ScheduledThreadPoolExecutor s = scheduler;
    if (s == null) {
      synchronized (this) {
        s = scheduler;
        if (s == null) {
          s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "spindle-open-children");
            t.setDaemon(true);
            return t;
          });
          s.setRemoveOnCancelPolicy(true);
          scheduler = s;
        }
      }
    }
    try {
      return s.schedule(tx::sendAtDeadline, options.getOpenChildrenTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      tx.sendAtDeadline(); // closing: send now rather than lose it
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Reports child spans that were not recorded (beyond {@code maxSpans}, or too late). */
  void spansDropped(int count) {
    transport.recordLostEvent(DiscardReason.BUFFER_OVERFLOW, "span", count);
  }

  void stopAwaiting(RecordingTransaction tx) {
    awaiting.remove(tx);
  }

  private TransactionData beforeSend(TransactionData data) {
    try {
      return options.getBeforeSendTransaction().apply(data);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "beforeSendTransaction threw; sending the transaction unchanged", e);
      return data;
    }
  }

  /**
   * Hands a finished transaction to the transport. Only the cheap part runs here, on the
   * application's thread: the snapshot of its spans, the scope data and the frozen DSC. Building
   * the event, {@code beforeSendTransaction} and JSON serialization run when the transport
   * produces the envelope's payload — on a sender thread — and not at all when the envelope is
   * dropped (queue full, rate limited).
   */
  void send(RecordingTransaction tx, String eventId, Supplier<TransactionData.Builder> snapshot,
      int droppedSpans) {
    try {
      if (droppedSpans > 0) spansDropped(droppedSpans);
      ScopeData global = globalScope;
      ScopeData request = tx.scope();
      transport.send(Envelope.builder().eventId(eventId)
          .sdk(EventJson.SDK_NAME, EventJson.SDK_VERSION)
          .traceJson(dscJson(tx))
          .addItem("transaction", "application/json", () -> payload(snapshot.get(), ScopeData.merge(global, request)))
          .build());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not send a transaction", e);
    }
  }

  /** The transaction event's JSON, or null when {@code beforeSendTransaction} dropped it. */
  private byte[] payload(TransactionData.Builder b, ScopeData scope) {
    b.release = options.getRelease();
    b.environment = options.getEnvironment();
    b.serverName = options.getServerName();
    b.user = scope.user;
    Map<String, String> merged = new LinkedHashMap<>(scope.tags);
    merged.putAll(b.tags);
    b.tags = merged;
    b.contexts = scope.contexts;
    b.breadcrumbs = scope.breadcrumbs;
    TransactionData data = b.build();
    if (options.getBeforeSendTransaction() != null) {
      data = beforeSend(data);
      if (data == null) {
        transport.recordLostEvent(DiscardReason.BEFORE_SEND, "transaction", 1);
        return null;
      }
    }
    return EventJson.transaction(data);
  }

}
