package dev.spindle.benchmarks;

import static dev.spindle.benchmarks.Fixtures.CHILDREN_PER_PARENT;
import static dev.spindle.benchmarks.Fixtures.CHILDREN_PER_TRANSACTION;
import static dev.spindle.benchmarks.Fixtures.CHILD_DESCRIPTION;
import static dev.spindle.benchmarks.Fixtures.CHILD_OP;
import static dev.spindle.benchmarks.Fixtures.ROOT_NAME;
import static dev.spindle.benchmarks.Fixtures.ROOT_OP;

import io.sentry.BaggageHeader;
import io.sentry.ISpan;
import io.sentry.ITransaction;
import io.sentry.Sentry;
import io.sentry.TransactionContext;
import io.sentry.TransactionOptions;
import java.util.Collections;
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

/**
 * sentry-java ({@code io.sentry:sentry}), initialised with a DSN, {@code tracesSampleRate} 1.0
 * and a transport that discards. The same work as {@link SpindleBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SentryBenchmark {

  /** Initialises the global sentry-java SDK (one per JMH fork) with a discarding transport. */
  public abstract static class SdkFixture {
    DiscardingSentryTransport transport;

    void init(boolean serialize) {
      Sentry.init(o -> {
        o.setDsn(Fixtures.DSN);
        o.setTracesSampleRate(1.0);
        o.setTransportFactory((options, request) -> {
          transport = new DiscardingSentryTransport(options.getSerializer(), serialize);
          return transport;
        });
      });
    }

    void close() {
      Sentry.close();
    }
  }

  /**
   * A transaction bound to the scope (sentry-java's "current") that is finished and replaced
   * every {@link Fixtures#CHILDREN_PER_PARENT} children. The transport does not serialize, like
   * {@code NoOpTransportFactory}.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class ParentFixture extends SdkFixture {
    ITransaction parent;
    int children;

    @Setup(Level.Trial)
    public void setUp() {
      init(false);
      startParent();
    }

    void startParent() {
      TransactionOptions options = new TransactionOptions();
      options.setBindToScope(true);
      parent = Sentry.startTransaction(new TransactionContext(ROOT_NAME, ROOT_OP), options);
      children = 0;
    }

    void childDone() {
      if (++children == CHILDREN_PER_PARENT) {
        parent.finish();
        startParent();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      parent.finish();
      close();
    }
  }

  /** A transport that runs sentry-java's serializer over every envelope before discarding it. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class SerializingFixture extends SdkFixture {
    @Setup(Level.Trial)
    public void setUp() {
      init(true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** A long-lived transaction bound to the scope. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class PropagationFixture extends SdkFixture {
    ITransaction current;

    @Setup(Level.Trial)
    public void setUp() {
      init(false);
      TransactionOptions options = new TransactionOptions();
      options.setBindToScope(true);
      current = Sentry.startTransaction(new TransactionContext(ROOT_NAME, ROOT_OP), options);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      current.finish();
      close();
    }
  }

  @Benchmark
  public ISpan childSpan(ParentFixture f) {
    ISpan child = f.parent.startChild(CHILD_OP, CHILD_DESCRIPTION);
    child.finish();
    f.childDone();
    return child;
  }

  @Benchmark
  public ISpan childSpanOfCurrent(ParentFixture f) {
    ISpan child = Sentry.getSpan().startChild(CHILD_OP, CHILD_DESCRIPTION);
    child.finish();
    f.childDone();
    return child;
  }

  @Benchmark
  public ITransaction transactionWith10Children(SerializingFixture f) {
    ITransaction tx = Sentry.startTransaction(ROOT_NAME, ROOT_OP);
    for (int i = 0; i < CHILDREN_PER_TRANSACTION; i++) {
      tx.startChild(CHILD_OP, CHILD_DESCRIPTION).finish();
    }
    tx.finish();
    return tx;
  }

  @Benchmark
  public TransactionContext injectExtract(PropagationFixture f) {
    Map<String, String> headers = new HashMap<>();
    ISpan span = Sentry.getSpan();
    headers.put("sentry-trace", span.toSentryTrace().getValue());
    BaggageHeader baggage = span.toBaggageHeader(null);
    if (baggage != null) headers.put(BaggageHeader.BAGGAGE_HEADER, baggage.getValue());
    String incomingBaggage = headers.get(BaggageHeader.BAGGAGE_HEADER);
    return Sentry.continueTrace(headers.get("sentry-trace"),
        incomingBaggage == null ? null : Collections.singletonList(incomingBaggage));
  }
}
