package dev.spindle.benchmarks;

import static dev.spindle.benchmarks.Fixtures.CHILDREN_PER_PARENT;
import static dev.spindle.benchmarks.Fixtures.CHILDREN_PER_TRANSACTION;
import static dev.spindle.benchmarks.Fixtures.CHILD_DESCRIPTION;
import static dev.spindle.benchmarks.Fixtures.ROOT_NAME;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
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
 * The OpenTelemetry Java SDK: a {@code BatchSpanProcessor} with its default settings in front of
 * an exporter that discards. The same work as {@link SpindleBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OpenTelemetryBenchmark {

  /** A tracer provider exporting to {@link CountingSpanExporter} through a default BSP. */
  public abstract static class ProviderFixture {
    final CountingSpanExporter exporter = new CountingSpanExporter();
    SdkTracerProvider provider;
    Tracer tracer;
    /** Spans ended by the benchmark thread, to compare with what was exported. */
    long ended;

    void startProvider() {
      provider = SdkTracerProvider.builder()
          .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
          .build();
      tracer = provider.get("dev.spindle.benchmarks");
    }

    void stopProvider() {
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      provider.shutdown().join(10, TimeUnit.SECONDS);
      // A full BSP queue drops spans; say how many reached the exporter.
      System.out.printf("%n[otel] spans ended %d, exported %d%n", ended, exporter.exported.get());
    }
  }

  /**
   * A current root span that is ended and replaced every {@link Fixtures#CHILDREN_PER_PARENT}
   * children, exactly as Spindle's and sentry-java's transactions are.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class ParentFixture extends ProviderFixture {
    Span parent;
    Context parentContext;
    Scope scope;
    int children;

    @Setup(Level.Trial)
    public void setUp() {
      startProvider();
      startParent();
    }

    void startParent() {
      parent = tracer.spanBuilder(ROOT_NAME).setSpanKind(SpanKind.SERVER).setNoParent().startSpan();
      parentContext = Context.root().with(parent);
      scope = parentContext.makeCurrent();
      children = 0;
    }

    void childDone() {
      ended++;
      if (++children == CHILDREN_PER_PARENT) {
        scope.close();
        parent.end();
        ended++;
        startParent();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scope.close();
      parent.end();
      ended++;
      stopProvider();
    }
  }

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class ExportFixture extends ProviderFixture {
    @Setup(Level.Trial)
    public void setUp() {
      startProvider();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      stopProvider();
    }
  }

  /** A long-lived current root span, and the W3C trace-context + baggage propagators. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class PropagationFixture extends ProviderFixture {
    final TextMapPropagator propagator = newPropagator();
    Span current;
    Scope scope;

    TextMapPropagator newPropagator() {
      return TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    }

    /** The context the current span continues: none (a new trace). */
    Context parent() {
      return Context.root();
    }

    @Setup(Level.Trial)
    public void setUp() {
      startProvider();
      current = tracer.spanBuilder(ROOT_NAME).setSpanKind(SpanKind.SERVER).setParent(parent())
          .startSpan();
      scope = current.makeCurrent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scope.close();
      current.end();
      ended++;
      stopProvider();
    }
  }

  /**
   * W3C Trace Context only: {@code W3CTraceContextPropagator} alone, and a long-lived current span
   * continuing {@link Fixtures#UPSTREAM_TRACEPARENT} with {@link Fixtures#UPSTREAM_TRACESTATE}, so
   * it injects {@code traceparent} and {@code tracestate}, as Spindle's {@code W3cFixture} does.
   */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class W3cFixture extends PropagationFixture {
    @Override
    TextMapPropagator newPropagator() {
      return W3CTraceContextPropagator.getInstance();
    }

    @Override
    Context parent() {
      Map<String, String> upstream = Map.of("traceparent", Fixtures.UPSTREAM_TRACEPARENT,
          "tracestate", Fixtures.UPSTREAM_TRACESTATE);
      return W3CTraceContextPropagator.getInstance()
          .extract(Context.root(), upstream, MapCarrier.INSTANCE);
    }
  }

  /** The obvious carrier accessors for a {@code Map<String, String>}; OpenTelemetry has none. */
  enum MapCarrier implements TextMapSetter<Map<String, String>>, TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public void set(Map<String, String> carrier, String key, String value) {
      if (carrier != null) carrier.put(key, value);
    }

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }

  @Benchmark
  public Span childSpan(ParentFixture f) {
    Span child = f.tracer.spanBuilder(CHILD_DESCRIPTION).setParent(f.parentContext).startSpan();
    child.end();
    f.childDone();
    return child;
  }

  @Benchmark
  public Span childSpanOfCurrent(ParentFixture f) {
    Span child = f.tracer.spanBuilder(CHILD_DESCRIPTION).startSpan(); // parent: Context.current()
    child.end();
    f.childDone();
    return child;
  }

  @Benchmark
  public Span transactionWith10Children(ExportFixture f) {
    Span root = f.tracer.spanBuilder(ROOT_NAME).setSpanKind(SpanKind.SERVER).setNoParent().startSpan();
    Context context = Context.root().with(root);
    for (int i = 0; i < CHILDREN_PER_TRANSACTION; i++) {
      f.tracer.spanBuilder(CHILD_DESCRIPTION).setParent(context).startSpan().end();
    }
    root.end();
    f.ended += CHILDREN_PER_TRANSACTION + 1;
    return root;
  }

  @Benchmark
  public Context injectExtract(PropagationFixture f) {
    Map<String, String> headers = new HashMap<>();
    f.propagator.inject(Context.current(), headers, MapCarrier.INSTANCE);
    return f.propagator.extract(Context.root(), headers, MapCarrier.INSTANCE);
  }

  @Benchmark
  public Context injectExtractW3c(W3cFixture f) {
    Map<String, String> headers = new HashMap<>();
    f.propagator.inject(Context.current(), headers, MapCarrier.INSTANCE);
    return f.propagator.extract(Context.root(), headers, MapCarrier.INSTANCE);
  }
}
