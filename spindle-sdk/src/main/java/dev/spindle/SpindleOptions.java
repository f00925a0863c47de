package dev.spindle;

import dev.spindle.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How Spindle is configured in code: set in {@code Spindle.init(options -> ...)} or passed to
 * {@link Spindle#init(SpindleOptions)} or {@link Tracer#create(SpindleOptions)}. What code does not
 * set is read, first found wins, from system properties ({@code -Dspindle.traces-sample-rate=0.1}),
 * environment variables ({@code SPINDLE_TRACES_SAMPLE_RATE=0.1}) and a properties file
 * ({@code traces-sample-rate=0.1}): the one named by {@code spindle.config} / {@code SPINDLE_CONFIG},
 * else {@code spindle.properties} on the classpath. The keys: {@code enabled}, {@code dsn},
 * {@code release}, {@code environment}, {@code server-name}, {@code traces-sample-rate},
 * {@code trace-propagation-targets} (comma-separated), {@code propagate-traceparent},
 * {@code propagate-sentry-headers},
 * {@code max-spans}, {@code send-default-pii}, {@code max-queue-size}, {@code spool-dir},
 * {@code spool-max-bytes}, {@code shutdown-timeout-ms}, {@code open-children-timeout-ms},
 * {@code org-id}, {@code strict-trace-continuation}, {@code in-app-includes} and
 * {@code in-app-excludes} (comma-separated), {@code uncaught-exception-handler}; booleans are {@code true} or {@code false}.
 * An invalid value, in code (a rate of 1.5, a null tag) or elsewhere ({@code SPINDLE_MAX_SPANS=lots}),
 * is logged once, counted, and ignored: the option keeps its default; nothing throws.
 *
 * <p>A tracer takes a snapshot of its options when it starts: {@link Tracer#options()} are
 * fixed (their setters are reported and ignored), and what may change at run time changes through
 * the tracer ({@link Tracer#setTracesSampleRate(Double)}).
 *
 * <p>Defaults: no DSN (nothing is sent), no sample rate and no sampler (tracing without
 * performance: traces are continued and propagated, no transaction is sent),
 * {@code propagateTraceparent} and {@code propagateSentryHeaders} on, {@code maxSpans} 1000,
 * {@code sendDefaultPii} off, queue of 1000 envelopes, no spool directory, spool of 50 MiB,
 * shutdown flush timeout 2 s, open children awaited 30 s after their transaction finishes, the
 * system clock, no {@code beforeSend}, frames in-app unless their class is in
 * {@link #DEFAULT_IN_APP_EXCLUDES}, the uncaught-exception handler installed by {@code Spindle.init}.
 */
public final class SpindleOptions {
  /** Default of {@link #setMaxSpans(int)}. */
  public static final int DEFAULT_MAX_SPANS = 1000;
  /** Default of {@link #setMaxQueueSize(int)}. */
  public static final int DEFAULT_MAX_QUEUE_SIZE = 1000;
  /** Default of {@link #setSpoolMaxBytes(long)}: 50 MiB. */
  public static final long DEFAULT_SPOOL_MAX_BYTES = 50L * 1024 * 1024;
  /** Default of {@link #setShutdownTimeout(Duration)}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
  /** Default of {@link #setOpenChildrenTimeout(Duration)}. */
  public static final Duration DEFAULT_OPEN_CHILDREN_TIMEOUT = Duration.ofSeconds(30);
  /** Default of {@link #setInAppExcludes(List)}: the JDK's and Spindle's own packages. */
  public static final List<String> DEFAULT_IN_APP_EXCLUDES =
      List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.spindle.");

  private String dsn;
  private String release;
  private String environment = "production";
  private String serverName;
  private Double tracesSampleRate;
  private TracesSampler tracesSampler;
  private List<String> tracePropagationTargets;
  private boolean propagateTraceparent = true;
  private boolean propagateSentryHeaders = true;
  private int maxSpans = DEFAULT_MAX_SPANS;
  private UnaryOperator<TransactionData> beforeSendTransaction;
  private UnaryOperator<ErrorEvent> beforeSend;
  private List<String> inAppIncludes = List.of();
  private List<String> inAppExcludes = DEFAULT_IN_APP_EXCLUDES;
  private boolean uncaughtExceptionHandler = true;
  private boolean sendDefaultPii;
  private int maxQueueSize = DEFAULT_MAX_QUEUE_SIZE;
  private Path spoolDirectory;
  private long spoolMaxBytes = DEFAULT_SPOOL_MAX_BYTES;
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private Duration openChildrenTimeout = DEFAULT_OPEN_CHILDREN_TIMEOUT;
  private String orgId;
  private boolean strictTraceContinuation;
  private final Map<String, String> tags = new LinkedHashMap<>();
  private Transport transport;
  private SpanClock clock = SpanClock.SYSTEM;
  private boolean enabled = true;
  /** The {@link Configuration} keys set in code, which no other source overrides. */
  private final Set<String> setInCode = new HashSet<>();
  /** Set on the tracer's own copy: its options no longer change. */
  private boolean frozen;

  /** Options with the defaults above. */
  public SpindleOptions() {}

  /**
   * Whether Spindle records and sends anything. Default true. When false every call is a no-op,
   * except that a transaction continued from incoming headers passes them on unchanged: outgoing
   * calls carry the caller's trace id, span id, decision and baggage, as if Spindle were absent.
   */
  public SpindleOptions setEnabled(boolean enabled) {
    if (change("enabled")) this.enabled = enabled;
    return this;
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** Where to send: {@code http://<public_key>@<host>:<port>/<project_id>}. Null sends nothing. */
  public SpindleOptions setDsn(String dsn) {
    if (change("dsn")) this.dsn = dsn;
    return this;
  }

  public String getDsn() {
    return dsn;
  }

  public SpindleOptions setRelease(String release) {
    if (change("release")) this.release = release;
    return this;
  }

  public String getRelease() {
    return release;
  }

  /** Default {@code production}. */
  public SpindleOptions setEnvironment(String environment) {
    if (change("environment")) this.environment = environment;
    return this;
  }

  public String getEnvironment() {
    return environment;
  }

  public SpindleOptions setServerName(String serverName) {
    if (change("server-name")) this.serverName = serverName;
    return this;
  }

  public String getServerName() {
    return serverName;
  }

  /** The share of new traces to sample, in [0, 1]; null (default) samples none. */
  public SpindleOptions setTracesSampleRate(Double rate) {
    if (rate != null && !(rate >= 0.0 && rate <= 1.0)) return invalid("tracesSampleRate", rate, "0.0..1.0");
    if (change("traces-sample-rate")) this.tracesSampleRate = rate;
    return this;
  }

  public Double getTracesSampleRate() {
    return tracesSampleRate;
  }

  /** Decides the rate per transaction; takes precedence over the parent and the rate. */
  public SpindleOptions setTracesSampler(TracesSampler tracesSampler) {
    if (change("traces-sampler")) this.tracesSampler = tracesSampler;
    return this;
  }

  public TracesSampler getTracesSampler() {
    return tracesSampler;
  }

  /**
   * URLs that outgoing requests carry trace headers to: an entry matches when the URL contains it
   * or matches it as a regular expression. Null (default) matches every URL; an empty list none.
   */
  public SpindleOptions setTracePropagationTargets(List<String> targets) {
    if (targets != null && !validPrefixes(targets)) {
      return invalid("tracePropagationTargets", targets, "no null entry");
    }
    if (change("trace-propagation-targets")) {
      this.tracePropagationTargets = targets == null ? null : List.copyOf(targets);
    }
    return this;
  }

  public List<String> getTracePropagationTargets() {
    return tracePropagationTargets;
  }

  /** Whether outgoing requests also carry W3C {@code traceparent}. Default true. */
  public SpindleOptions setPropagateTraceparent(boolean propagateTraceparent) {
    if (change("propagate-traceparent")) this.propagateTraceparent = propagateTraceparent;
    return this;
  }

  public boolean isPropagateTraceparent() {
    return propagateTraceparent;
  }

  /**
   * Whether outgoing requests carry {@code sentry-trace} and {@code baggage} (the dynamic sampling
   * context). Default true. Off, with {@code propagateTraceparent} on, requests carry W3C Trace
   * Context only ({@code traceparent}, {@code tracestate}), as OpenTelemetry's default propagator
   * writes it: no DSC travels, and a downstream Spindle or Sentry SDK reads an unsampled decision
   * ({@code traceparent} flags {@code 00}) as deferred. Incoming headers of every kind are read
   * either way.
   */
  public SpindleOptions setPropagateSentryHeaders(boolean propagateSentryHeaders) {
    if (change("propagate-sentry-headers")) this.propagateSentryHeaders = propagateSentryHeaders;
    return this;
  }

  public boolean isPropagateSentryHeaders() {
    return propagateSentryHeaders;
  }

  /** Most child spans recorded per transaction; further children are dropped. Default 1000. */
  public SpindleOptions setMaxSpans(int maxSpans) {
    if (maxSpans < 0) return invalid("maxSpans", maxSpans, ">= 0");
    if (change("max-spans")) this.maxSpans = maxSpans;
    return this;
  }

  public int getMaxSpans() {
    return maxSpans;
  }

  /**
   * Called with every transaction before it is sent; return it (changed or not) or null to drop.
   * It runs on one of the transport's sender threads when the envelope is produced (several may
   * run it at once: it must be thread-safe), so it never slows the thread that finished the
   * transaction — and it does not run for envelopes dropped before sending (queue full, rate
   * limited).
   */
  public SpindleOptions setBeforeSendTransaction(UnaryOperator<TransactionData> hook) {
    if (change("before-send-transaction")) this.beforeSendTransaction = hook;
    return this;
  }

  public UnaryOperator<TransactionData> getBeforeSendTransaction() {
    return beforeSendTransaction;
  }

  /**
   * Called with every error event on the capturing thread, after the scopes' tags and user are
   * filled in; return it (changed or not) or null to drop it (counted as {@code before_send} in
   * client reports). If it throws, the event is sent unchanged.
   */
  public SpindleOptions setBeforeSend(UnaryOperator<ErrorEvent> hook) {
    if (change("before-send")) this.beforeSend = hook;
    return this;
  }

  public UnaryOperator<ErrorEvent> getBeforeSend() {
    return beforeSend;
  }

  /**
   * Package prefixes (such as {@code "com.shop."}) of the application's own classes: when given,
   * stack frames are marked in-app only when their class starts with one. Default none.
   */
  public SpindleOptions setInAppIncludes(List<String> prefixes) {
    if (!validPrefixes(prefixes)) return invalid("inAppIncludes", prefixes, "a list without null");
    if (change("in-app-includes")) this.inAppIncludes = List.copyOf(prefixes);
    return this;
  }

  public List<String> getInAppIncludes() {
    return inAppIncludes;
  }

  /** Package prefixes of frames that are not in-app. Default {@link #DEFAULT_IN_APP_EXCLUDES}. */
  public SpindleOptions setInAppExcludes(List<String> prefixes) {
    if (!validPrefixes(prefixes)) return invalid("inAppExcludes", prefixes, "a list without null");
    if (change("in-app-excludes")) this.inAppExcludes = List.copyOf(prefixes);
    return this;
  }

  public List<String> getInAppExcludes() {
    return inAppExcludes;
  }

  /**
   * Whether {@code Spindle.init} installs a default uncaught-exception handler that sends what
   * kills a thread as a {@code fatal} event (waiting up to the shutdown timeout for delivery) and
   * then calls the handler that was installed before. Default true.
   */
  public SpindleOptions setUncaughtExceptionHandler(boolean install) {
    if (change("uncaught-exception-handler")) this.uncaughtExceptionHandler = install;
    return this;
  }

  public boolean isUncaughtExceptionHandler() {
    return uncaughtExceptionHandler;
  }

  /**
   * Whether integrations may record personal data. Default false. When true, the servlet and JDK
   * HTTP server integrations record the caller's address ({@code client.address}) and request
   * headers ({@code http.request.header.*}, never {@code Authorization} or {@code Cookie}).
   */
  public SpindleOptions setSendDefaultPii(boolean sendDefaultPii) {
    if (change("send-default-pii")) this.sendDefaultPii = sendDefaultPii;
    return this;
  }

  public boolean isSendDefaultPii() {
    return sendDefaultPii;
  }

  /** Envelopes waiting to be sent; beyond this they are dropped and counted. Default 1000. */
  public SpindleOptions setMaxQueueSize(int maxQueueSize) {
    if (maxQueueSize < 1) return invalid("maxQueueSize", maxQueueSize, ">= 1");
    if (change("max-queue-size")) this.maxQueueSize = maxQueueSize;
    return this;
  }

  public int getMaxQueueSize() {
    return maxQueueSize;
  }

  /** Where envelopes wait while the server is unreachable; survives restarts. Default none. */
  public SpindleOptions setSpoolDirectory(Path spoolDirectory) {
    if (change("spool-dir")) this.spoolDirectory = spoolDirectory;
    return this;
  }

  public Path getSpoolDirectory() {
    return spoolDirectory;
  }

  /** The spool's size bound in bytes. Default 50 MiB. */
  public SpindleOptions setSpoolMaxBytes(long spoolMaxBytes) {
    if (spoolMaxBytes < 0) return invalid("spoolMaxBytes", spoolMaxBytes, ">= 0");
    if (change("spool-max-bytes")) this.spoolMaxBytes = spoolMaxBytes;
    return this;
  }

  public long getSpoolMaxBytes() {
    return spoolMaxBytes;
  }

  /** How long {@code close()} and the shutdown hook wait to deliver what is queued. Default 2 s. */
  public SpindleOptions setShutdownTimeout(Duration shutdownTimeout) {
    if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
      return invalid("shutdownTimeout", shutdownTimeout, ">= 0");
    }
    if (change("shutdown-timeout-ms")) this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * How long a finished transaction waits for children still running before it is sent with
   * them marked {@code deadline_exceeded}. Default 30 s.
   */
  public SpindleOptions setOpenChildrenTimeout(Duration openChildrenTimeout) {
    if (openChildrenTimeout == null || openChildrenTimeout.isNegative()) {
      return invalid("openChildrenTimeout", openChildrenTimeout, ">= 0");
    }
    if (change("open-children-timeout-ms")) this.openChildrenTimeout = openChildrenTimeout;
    return this;
  }

  public Duration getOpenChildrenTimeout() {
    return openChildrenTimeout;
  }

  /** This organization's id, compared with incoming {@code sentry-org_id}. */
  public SpindleOptions setOrgId(String orgId) {
    if (change("org-id")) this.orgId = orgId;
    return this;
  }

  public String getOrgId() {
    return orgId;
  }

  /** Continue incoming traces only when both org ids are present and equal, or both absent. */
  public SpindleOptions setStrictTraceContinuation(boolean strict) {
    if (change("strict-trace-continuation")) this.strictTraceContinuation = strict;
    return this;
  }

  public boolean isStrictTraceContinuation() {
    return strictTraceContinuation;
  }

  /** A tag added to every transaction and error. */
  public SpindleOptions setTag(String key, String value) {
    if (key == null || value == null) return invalid("tag", key + "=" + value, "a key and a value");
    if (change("tags")) tags.put(key, value);
    return this;
  }

  public Map<String, String> getTags() {
    return Collections.unmodifiableMap(tags);
  }

  /** Replaces the HTTP transport, e.g. to capture envelopes in tests. Default: from the DSN. */
  public SpindleOptions setTransport(Transport transport) {
    if (change("transport")) this.transport = transport;
    return this;
  }

  public Transport getTransport() {
    return transport;
  }

  /**
   * The clock of span and event times. Default {@link SpanClock#SYSTEM}. Tests set a clock that
   * moves only when told to; explicit times ({@link Span#startChild(String, String, Instant)},
   * {@link Span#finish(Instant)}, {@link TransactionContext.Builder#startTimestamp(Instant)})
   * are placed on the same timeline.
   */
  public SpindleOptions setClock(SpanClock clock) {
    if (clock == null) return invalid("clock", null, "a SpanClock");
    if (change("clock")) this.clock = clock;
    return this;
  }

  public SpanClock getClock() {
    return clock;
  }

  /**
   * Records that the option {@code key} is set in code (which no other source overrides); false,
   * reported, when these are a tracer's options, which no longer change.
   */
  private boolean change(String key) {
    if (frozen) {
      Misuse.report("a change of a started tracer's options (" + key + "); they are fixed at start");
      return false;
    }
    setInCode.add(key);
    return true;
  }

  private static boolean validPrefixes(List<String> items) {
    if (items == null) return false;
    for (String item : items) if (item == null) return false;
    return true;
  }

  private SpindleOptions invalid(String option, Object value, String expected) {
    Misuse.report(option + ": " + value + " (expected: " + expected + "); the option keeps its value");
    return this;
  }

  boolean isSetInCode(String key) {
    return setInCode.contains(key);
  }

  /** A copy (not frozen) of these options, with what was set in code. */
  SpindleOptions copy() {
    SpindleOptions c = new SpindleOptions();
    c.dsn = dsn;
    c.release = release;
    c.environment = environment;
    c.serverName = serverName;
    c.tracesSampleRate = tracesSampleRate;
    c.tracesSampler = tracesSampler;
    c.tracePropagationTargets = tracePropagationTargets;
    c.propagateTraceparent = propagateTraceparent;
    c.propagateSentryHeaders = propagateSentryHeaders;
    c.maxSpans = maxSpans;
    c.beforeSendTransaction = beforeSendTransaction;
    c.beforeSend = beforeSend;
    c.inAppIncludes = inAppIncludes;
    c.inAppExcludes = inAppExcludes;
    c.uncaughtExceptionHandler = uncaughtExceptionHandler;
    c.sendDefaultPii = sendDefaultPii;
    c.maxQueueSize = maxQueueSize;
    c.spoolDirectory = spoolDirectory;
    c.spoolMaxBytes = spoolMaxBytes;
    c.shutdownTimeout = shutdownTimeout;
    c.openChildrenTimeout = openChildrenTimeout;
    c.orgId = orgId;
    c.strictTraceContinuation = strictTraceContinuation;
    c.tags.putAll(tags);
    c.transport = transport;
    c.clock = clock;
    c.enabled = enabled;
    c.setInCode.addAll(setInCode);
    return c;
  }

  /** From now on every setter is reported and ignored. */
  SpindleOptions freeze() {
    frozen = true;
    return this;
  }
}
