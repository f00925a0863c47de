package dev.spindle;

import dev.spindle.transport.Transport;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * How Spindle is configured. Set in {@code Spindle.init(options -> ...)} or passed to
 * {@link Tracer#create(SpindleOptions)}; {@link #fromEnvironment()} reads {@code SPINDLE_*}
 * variables first. Every setter validates its argument and names it in the error.
 *
 * <p>Defaults: no DSN (nothing is sent), no sample rate and no sampler (tracing without
 * performance: traces are continued and propagated, no transaction is sent),
 * {@code propagateTraceparent} on, {@code maxSpans} 1000, {@code sendDefaultPii} off,
 * queue of 1000 envelopes, no spool directory, spool of 50 MiB, shutdown flush timeout 2 s,
 * open children awaited 30 s after their transaction finishes, the system clock, no
 * {@code beforeSend}, frames in-app unless their class is in {@link #DEFAULT_IN_APP_EXCLUDES},
 * the uncaught-exception handler installed by {@code Spindle.init}.
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

  /** Options with the defaults above. */
  public SpindleOptions() {}

  /**
   * Options with values read from the process environment: {@code SPINDLE_DSN},
   * {@code SPINDLE_RELEASE}, {@code SPINDLE_ENVIRONMENT}, {@code SPINDLE_TRACES_SAMPLE_RATE},
   * {@code SPINDLE_TRACE_PROPAGATION_TARGETS} (comma-separated),
   * {@code SPINDLE_PROPAGATE_TRACEPARENT}, {@code SPINDLE_MAX_SPANS},
   * {@code SPINDLE_SEND_DEFAULT_PII}, {@code SPINDLE_MAX_QUEUE_SIZE},
   * {@code SPINDLE_SPOOL_DIR}, {@code SPINDLE_SPOOL_MAX_BYTES},
   * {@code SPINDLE_SHUTDOWN_TIMEOUT_MS}, {@code SPINDLE_ORG_ID}.
   */
  public static SpindleOptions fromEnvironment() {
    return fromEnvironment(System::getenv);
  }

  static SpindleOptions fromEnvironment(Function<String, String> env) {
    SpindleOptions o = new SpindleOptions();
    String v;
    if ((v = env.apply("SPINDLE_DSN")) != null && !v.isBlank()) o.setDsn(v.trim());
    if ((v = env.apply("SPINDLE_RELEASE")) != null) o.setRelease(v);
    if ((v = env.apply("SPINDLE_ENVIRONMENT")) != null) o.setEnvironment(v);
    if ((v = env.apply("SPINDLE_TRACES_SAMPLE_RATE")) != null) {
      o.setTracesSampleRate(parse("SPINDLE_TRACES_SAMPLE_RATE", v, Double::valueOf));
    }
    if ((v = env.apply("SPINDLE_TRACE_PROPAGATION_TARGETS")) != null) {
      List<String> targets = new ArrayList<>();
      for (String t : v.split(",")) if (!t.isBlank()) targets.add(t.trim());
      o.setTracePropagationTargets(targets);
    }
    if ((v = env.apply("SPINDLE_PROPAGATE_TRACEPARENT")) != null) {
      o.setPropagateTraceparent(Boolean.parseBoolean(v.trim()));
    }
    if ((v = env.apply("SPINDLE_MAX_SPANS")) != null) {
      o.setMaxSpans(parse("SPINDLE_MAX_SPANS", v, Integer::valueOf));
    }
    if ((v = env.apply("SPINDLE_SEND_DEFAULT_PII")) != null) {
      o.setSendDefaultPii(Boolean.parseBoolean(v.trim()));
    }
    if ((v = env.apply("SPINDLE_MAX_QUEUE_SIZE")) != null) {
      o.setMaxQueueSize(parse("SPINDLE_MAX_QUEUE_SIZE", v, Integer::valueOf));
    }
    if ((v = env.apply("SPINDLE_SPOOL_DIR")) != null && !v.isBlank()) {
      o.setSpoolDirectory(Paths.get(v.trim()));
    }
    if ((v = env.apply("SPINDLE_SPOOL_MAX_BYTES")) != null) {
      o.setSpoolMaxBytes(parse("SPINDLE_SPOOL_MAX_BYTES", v, Long::valueOf));
    }
    if ((v = env.apply("SPINDLE_SHUTDOWN_TIMEOUT_MS")) != null) {
      o.setShutdownTimeout(Duration.ofMillis(parse("SPINDLE_SHUTDOWN_TIMEOUT_MS", v, Long::valueOf)));
    }
    if ((v = env.apply("SPINDLE_ORG_ID")) != null && !v.isBlank()) o.setOrgId(v.trim());
    return o;
  }

  private static <T> T parse(String name, String value, Function<String, T> parser) {
    try {
      return parser.apply(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a number)");
    }
  }

  /** Where to send: {@code http://<public_key>@<host>:<port>/<project_id>}. Null sends nothing. */
  public SpindleOptions setDsn(String dsn) {
    this.dsn = dsn;
    return this;
  }

  public String getDsn() {
    return dsn;
  }

  public SpindleOptions setRelease(String release) {
    this.release = release;
    return this;
  }

  public String getRelease() {
    return release;
  }

  /** Default {@code production}. */
  public SpindleOptions setEnvironment(String environment) {
    this.environment = environment;
    return this;
  }

  public String getEnvironment() {
    return environment;
  }

  public SpindleOptions setServerName(String serverName) {
    this.serverName = serverName;
    return this;
  }

  public String getServerName() {
    return serverName;
  }

  /** The share of new traces to sample, in [0, 1]; null (default) samples none. */
  public SpindleOptions setTracesSampleRate(Double rate) {
    if (rate != null && !(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("tracesSampleRate: " + rate + " (expected: 0.0..1.0)");
    }
    this.tracesSampleRate = rate;
    return this;
  }

  public Double getTracesSampleRate() {
    return tracesSampleRate;
  }

  /** Decides the rate per transaction; takes precedence over the parent and the rate. */
  public SpindleOptions setTracesSampler(TracesSampler tracesSampler) {
    this.tracesSampler = tracesSampler;
    return this;
  }

  public TracesSampler getTracesSampler() {
    return tracesSampler;
  }

  /** True when a rate or a sampler is set, i.e. transactions may be sent. */
  public boolean isTracingEnabled() {
    return tracesSampleRate != null || tracesSampler != null;
  }

  /**
   * URLs that outgoing requests carry trace headers to: an entry matches when the URL contains it
   * or matches it as a regular expression. Null (default) matches every URL; an empty list none.
   */
  public SpindleOptions setTracePropagationTargets(List<String> targets) {
    this.tracePropagationTargets =
        targets == null ? null : Collections.unmodifiableList(new ArrayList<>(targets));
    return this;
  }

  public List<String> getTracePropagationTargets() {
    return tracePropagationTargets;
  }

  /** Whether outgoing requests also carry W3C {@code traceparent}. Default true. */
  public SpindleOptions setPropagateTraceparent(boolean propagateTraceparent) {
    this.propagateTraceparent = propagateTraceparent;
    return this;
  }

  public boolean isPropagateTraceparent() {
    return propagateTraceparent;
  }

  /** Most child spans recorded per transaction; further children are dropped. Default 1000. */
  public SpindleOptions setMaxSpans(int maxSpans) {
    if (maxSpans < 0) throw new IllegalArgumentException("maxSpans: " + maxSpans + " (expected: >= 0)");
    this.maxSpans = maxSpans;
    return this;
  }

  public int getMaxSpans() {
    return maxSpans;
  }

  /**
   * Called with every transaction before it is sent; return it (changed or not) or null to drop.
   * It runs on the transport's sender thread, when the envelope is produced, so it never slows the
   * thread that finished the transaction — and it does not run for envelopes dropped before
   * sending (queue full, rate limited).
   */
  public SpindleOptions setBeforeSendTransaction(UnaryOperator<TransactionData> hook) {
    this.beforeSendTransaction = hook;
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
    this.beforeSend = hook;
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
    this.inAppIncludes = List.copyOf(Objects.requireNonNull(prefixes, "inAppIncludes"));
    return this;
  }

  public List<String> getInAppIncludes() {
    return inAppIncludes;
  }

  /** Package prefixes of frames that are not in-app. Default {@link #DEFAULT_IN_APP_EXCLUDES}. */
  public SpindleOptions setInAppExcludes(List<String> prefixes) {
    this.inAppExcludes = List.copyOf(Objects.requireNonNull(prefixes, "inAppExcludes"));
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
    this.uncaughtExceptionHandler = install;
    return this;
  }

  public boolean isUncaughtExceptionHandler() {
    return uncaughtExceptionHandler;
  }

  /** Whether integrations may record personal data (headers, IPs, user names). Default false. */
  public SpindleOptions setSendDefaultPii(boolean sendDefaultPii) {
    this.sendDefaultPii = sendDefaultPii;
    return this;
  }

  public boolean isSendDefaultPii() {
    return sendDefaultPii;
  }

  /** Envelopes waiting to be sent; beyond this they are dropped and counted. Default 1000. */
  public SpindleOptions setMaxQueueSize(int maxQueueSize) {
    if (maxQueueSize < 1) {
      throw new IllegalArgumentException("maxQueueSize: " + maxQueueSize + " (expected: >= 1)");
    }
    this.maxQueueSize = maxQueueSize;
    return this;
  }

  public int getMaxQueueSize() {
    return maxQueueSize;
  }

  /** Where envelopes wait while the server is unreachable; survives restarts. Default none. */
  public SpindleOptions setSpoolDirectory(Path spoolDirectory) {
    this.spoolDirectory = spoolDirectory;
    return this;
  }

  public Path getSpoolDirectory() {
    return spoolDirectory;
  }

  /** The spool's size bound in bytes. Default 50 MiB. */
  public SpindleOptions setSpoolMaxBytes(long spoolMaxBytes) {
    if (spoolMaxBytes < 0) {
      throw new IllegalArgumentException("spoolMaxBytes: " + spoolMaxBytes + " (expected: >= 0)");
    }
    this.spoolMaxBytes = spoolMaxBytes;
    return this;
  }

  public long getSpoolMaxBytes() {
    return spoolMaxBytes;
  }

  /** How long {@code close()} and the shutdown hook wait to deliver what is queued. Default 2 s. */
  public SpindleOptions setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = nonNegative(shutdownTimeout, "shutdownTimeout");
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
    this.openChildrenTimeout = nonNegative(openChildrenTimeout, "openChildrenTimeout");
    return this;
  }

  public Duration getOpenChildrenTimeout() {
    return openChildrenTimeout;
  }

  /** This organization's id, compared with incoming {@code sentry-org_id}. */
  public SpindleOptions setOrgId(String orgId) {
    this.orgId = orgId;
    return this;
  }

  public String getOrgId() {
    return orgId;
  }

  /** Continue incoming traces only when both org ids are present and equal, or both absent. */
  public SpindleOptions setStrictTraceContinuation(boolean strict) {
    this.strictTraceContinuation = strict;
    return this;
  }

  public boolean isStrictTraceContinuation() {
    return strictTraceContinuation;
  }

  /** A tag added to every transaction and error. */
  public SpindleOptions setTag(String key, String value) {
    tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  public Map<String, String> getTags() {
    return Collections.unmodifiableMap(tags);
  }

  /** Replaces the HTTP transport, e.g. to capture envelopes in tests. Default: from the DSN. */
  public SpindleOptions setTransport(Transport transport) {
    this.transport = transport;
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
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public SpanClock getClock() {
    return clock;
  }

  private static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
    return d;
  }
}
