package dev.spindle;

import java.time.Instant;

/**
 * Everything needed to start a transaction: its name and operation, an optional explicit
 * sampling decision, and — when continuing a trace from another service — the upstream trace.
 * Build one with {@link #builder(String, String)}; continue an incoming trace with
 * {@link Tracer#continueTrace}.
 */
public final class TransactionContext {
  /** The name (and operation) given to a transaction started without one. */
  public static final String UNNAMED = "<unlabeled transaction>";

  private final String name;
  private final String operation;
  private final TransactionSource source;
  private final Boolean sampled;
  private final String traceId;
  private final String parentSpanId;
  private final Boolean parentSampled;
  private final Double parentSampleRate;
  private final Double sampleRand;
  private final dev.spindle.propagation.IncomingTrace incoming;
  private final Instant startTimestamp;

  private TransactionContext(Builder b) {
    this.name = b.name;
    this.operation = b.operation;
    this.source = b.source;
    this.sampled = b.sampled;
    this.incoming = b.incoming;
    this.startTimestamp = b.startTimestamp;
    if (b.incoming != null) {
      this.traceId = b.incoming.traceId();
      this.parentSpanId = b.incoming.parentSpanId();
      this.parentSampled = b.incoming.sampled();
      this.parentSampleRate = b.incoming.sampleRate();
      this.sampleRand = b.incoming.sampleRand();
    } else {
      this.traceId = null;
      this.parentSpanId = null;
      this.parentSampled = null;
      this.parentSampleRate = null;
      this.sampleRand = null;
    }
  }

  /** A context for a new transaction named {@code name} doing {@code operation}. */
  public static Builder builder(String name, String operation) {
    return new Builder(name, operation);
  }

  public String name() {
    return name;
  }

  public String operation() {
    return operation;
  }

  public TransactionSource source() {
    return source;
  }

  /** An explicit sampling decision that overrides every sampler, or null. */
  public Boolean sampled() {
    return sampled;
  }

  /** The upstream trace id, or null when this transaction starts a new trace. */
  public String traceId() {
    return traceId;
  }

  /** The upstream span that caused this transaction, or null. */
  public String parentSpanId() {
    return parentSpanId;
  }

  /** The upstream sampling decision, or null when none was made or there is no upstream. */
  public Boolean parentSampled() {
    return parentSampled;
  }

  /** The upstream sample rate, from the incoming baggage, or null. */
  public Double parentSampleRate() {
    return parentSampleRate;
  }

  /** When the transaction started, when given; null: when it is started. */
  public Instant startTimestamp() {
    return startTimestamp;
  }

  /** This context as the start of a new trace: the upstream trace is dropped. */
  TransactionContext withoutIncoming() {
    return builder(name, operation).source(source).sampled(sampled).startTimestamp(startTimestamp).build();
  }

  Double sampleRand() {
    return sampleRand;
  }

  dev.spindle.propagation.IncomingTrace incoming() {
    return incoming;
  }

  /** Builds a {@link TransactionContext}. Defaults: source custom, no explicit decision. */
  public static final class Builder {
    private final String name;
    private final String operation;
    private TransactionSource source = TransactionSource.CUSTOM;
    private Boolean sampled;
    private dev.spindle.propagation.IncomingTrace incoming;
    private Instant startTimestamp;

    /** A null name or operation is replaced by {@value #UNNAMED} (and reported, never thrown). */
    Builder(String name, String operation) {
      this.name = orUnnamed(name, "a transaction without a name");
      this.operation = orUnnamed(operation, "a transaction without an operation");
    }

    private static String orUnnamed(String value, String misuse) {
      if (value != null) return value;
      Misuse.report(misuse);
      return UNNAMED;
    }

    /** The source of the name; null is ignored. */
    public Builder source(TransactionSource source) {
      if (source == null) Misuse.report("a null transaction source");
      else this.source = source;
      return this;
    }

    /**
     * Starts the transaction at {@code startTimestamp} rather than now, to record work that began
     * earlier (a job picked from a queue, a batch replayed); null (default) is now. Its children
     * started without a time start at the clock's now, on the same timeline.
     */
    public Builder startTimestamp(Instant startTimestamp) {
      this.startTimestamp = startTimestamp;
      return this;
    }

    /** Forces the decision: true or false override every sampler; null (default) decides. */
    public Builder sampled(Boolean sampled) {
      this.sampled = sampled;
      return this;
    }

    /** Continues the given upstream trace; null starts a new trace. */
    public Builder continueFrom(dev.spindle.propagation.IncomingTrace incoming) {
      this.incoming = incoming;
      return this;
    }

    public TransactionContext build() {
      return new TransactionContext(this);
    }
  }
}
