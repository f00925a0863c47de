package dev.spindle.benchmarks;

import static dev.spindle.benchmarks.Fixtures.CHILDREN_PER_PARENT;
import static dev.spindle.benchmarks.Fixtures.CHILDREN_PER_TRANSACTION;
import static dev.spindle.benchmarks.Fixtures.CHILD_DESCRIPTION;
import static dev.spindle.benchmarks.Fixtures.CHILD_OP;
import static dev.spindle.benchmarks.Fixtures.ROOT_NAME;
import static dev.spindle.benchmarks.Fixtures.ROOT_OP;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.propagation.IncomingTrace;
import dev.spindle.propagation.Propagation;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** The Spindle SDK; the same work as {@link OpenTelemetryBenchmark} and {@link SentryBenchmark}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpindleBenchmark {

  static Tracer newTracer(DiscardingTransport transport) {
    return Tracer.create(new SpindleOptions().setDsn(Fixtures.DSN).setTracesSampleRate(1.0)
        .setTransport(transport));
  }

  /**
   * A current transaction that is finished (and so sent, with its children) and replaced every
   * {@link Fixtures#CHILDREN_PER_PARENT} children. Its transport discards the envelopes
   * without producing them: serialization is never on the measured thread.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class ParentFixture {
    final DiscardingTransport transport = new DiscardingTransport(false);
    Tracer tracer;
    Transaction parent;
    Scope scope;
    int children;

    @Setup(Level.Trial)
    public void setUp() {
      tracer = newTracer(transport);
      startParent();
    }

    void startParent() {
      parent = tracer.startTransaction(ROOT_NAME, ROOT_OP);
      scope = parent.makeCurrent();
      children = 0;
    }

    /** Called after each child; rotates the parent every {@link Fixtures#CHILDREN_PER_PARENT}. */
    void childDone() {
      if (++children == CHILDREN_PER_PARENT) {
        scope.close();
        parent.finish();
        startParent();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scope.close();
      parent.finish();
      tracer.close();
    }
  }

  /**
   * A tracer whose transport serializes every envelope (producing its lazy transaction item:
   * snapshot and JSON) on the thread that finishes the transaction, before discarding it.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class SerializingFixture {
    final DiscardingTransport transport = new DiscardingTransport(true);
    Tracer tracer;

    @Setup(Level.Trial)
    public void setUp() {
      tracer = newTracer(transport);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      tracer.close();
    }
  }

  /** A long-lived current transaction (never rotated: injecting starts no child). */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class PropagationFixture {
    final DiscardingTransport transport = new DiscardingTransport(false);
    Tracer tracer;
    Transaction current;
    Scope scope;

    Tracer newTracer() {
      return SpindleBenchmark.newTracer(transport);
    }

    Transaction startCurrent() {
      return tracer.startTransaction(ROOT_NAME, ROOT_OP);
    }

    @Setup(Level.Trial)
    public void setUp() {
      tracer = newTracer();
      current = startCurrent();
      scope = current.makeCurrent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scope.close();
      current.finish();
      tracer.close();
    }
  }

  /**
   * W3C Trace Context only ({@code propagateSentryHeaders} off): a long-lived current transaction
   * continuing {@link Fixtures#UPSTREAM_TRACEPARENT} with {@link Fixtures#UPSTREAM_TRACESTATE},
   * so it injects {@code traceparent} and {@code tracestate} and nothing else, as OpenTelemetry's
   * {@code W3CTraceContextPropagator} does.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class W3cFixture extends PropagationFixture {
    @Override
    Tracer newTracer() {
      return Tracer.create(new SpindleOptions().setDsn(Fixtures.DSN).setTracesSampleRate(1.0)
          .setPropagateSentryHeaders(false).setTransport(transport));
    }

    @Override
    Transaction startCurrent() {
      Map<String, String> upstream = Map.of(Propagation.TRACEPARENT, Fixtures.UPSTREAM_TRACEPARENT,
          Propagation.TRACESTATE, Fixtures.UPSTREAM_TRACESTATE);
      return tracer.continueTrace(upstream, Map::get, ROOT_NAME, ROOT_OP, TransactionSource.ROUTE);
    }
  }

  /**
   * Sentry's headers only ({@code propagateTraceparent} off): {@code sentry-trace} and
   * {@code baggage} with the DSC, what sentry-java writes by default.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class SentryHeadersFixture extends PropagationFixture {
    @Override
    Tracer newTracer() {
      return Tracer.create(new SpindleOptions().setDsn(Fixtures.DSN).setTracesSampleRate(1.0)
          .setPropagateTraceparent(false).setTransport(transport));
    }
  }

  /**
   * A current transaction that is not sampled (sample rate 0), as most production traffic is:
   * never sent, so it is never rotated.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class UnsampledFixture extends PropagationFixture {
    @Override
    Tracer newTracer() {
      return Tracer.create(new SpindleOptions().setDsn(Fixtures.DSN).setTracesSampleRate(0.0)
          .setTransport(transport));
    }
  }

  @Benchmark
  public Span childSpan(ParentFixture f) {
    Span child = f.parent.startChild(CHILD_OP, CHILD_DESCRIPTION);
    child.finish();
    f.childDone();
    return child;
  }

  @Benchmark
  public Span childSpanOfCurrent(ParentFixture f) {
    Span child = f.tracer.currentSpan().startChild(CHILD_OP, CHILD_DESCRIPTION);
    child.finish();
    f.childDone();
    return child;
  }

  @Benchmark
  public Transaction transactionWith10Children(SerializingFixture f) {
    Transaction tx = f.tracer.startTransaction(ROOT_NAME, ROOT_OP);
    for (int i = 0; i < CHILDREN_PER_TRANSACTION; i++) {
      tx.startChild(CHILD_OP, CHILD_DESCRIPTION).finish();
    }
    tx.finish();
    return tx;
  }

  /** A child of an unsampled transaction: records nothing, but has its own span id. */
  @Benchmark
  public Span unsampledChildSpan(UnsampledFixture f) {
    Span child = f.tracer.currentSpan().startChild(CHILD_OP, CHILD_DESCRIPTION);
    child.finish();
    return child;
  }

  /** An outgoing call of an unsampled request: a child span and its headers. */
  @Benchmark
  public Map<String, String> unsampledOutgoingCall(UnsampledFixture f) {
    Span child = f.tracer.currentSpan().startChild(CHILD_OP, CHILD_DESCRIPTION);
    Map<String, String> headers = new HashMap<>();
    f.tracer.inject(child, headers, Propagation.mapSetter());
    child.finish();
    return headers;
  }

  /**
   * Spindle's default headers ({@code sentry-trace}, {@code baggage}, {@code traceparent}) through
   * its own case-insensitive map accessors.
   */
  @Benchmark
  public IncomingTrace injectExtract(PropagationFixture f) {
    Map<String, String> headers = new HashMap<>();
    f.tracer.inject(f.tracer.currentSpan(), headers, Propagation.mapSetter());
    return f.tracer.extract(headers, Propagation.mapGetter());
  }

  /**
   * {@code traceparent} and {@code tracestate} only, through plain {@code Map.put}/{@code Map.get}
   * as OpenTelemetry's {@code injectExtractW3c}.
   */
  @Benchmark
  public IncomingTrace injectExtractW3c(W3cFixture f) {
    Map<String, String> headers = new HashMap<>();
    f.tracer.inject(f.tracer.currentSpan(), headers, Map::put);
    return f.tracer.extract(headers, Map::get);
  }

  /**
   * {@code sentry-trace} and {@code baggage} (the DSC) only, through plain {@code Map.put}/{@code
   * Map.get} as sentry-java's {@code injectExtract}.
   */
  @Benchmark
  public IncomingTrace injectExtractSentryHeaders(SentryHeadersFixture f) {
    Map<String, String> headers = new HashMap<>();
    f.tracer.inject(f.tracer.currentSpan(), headers, Map::put);
    return f.tracer.extract(headers, Map::get);
  }
}
