package dev.spindle.springbench;

import dev.spindle.micrometer.SpindleMicrometerTracer;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One request to {@code GET /items/{id}} of {@link ItemsApp}, traced as {@link Variant} says,
 * without ({@link #request}) and with ({@link #requestWithTraceparent}) an incoming sampled
 * {@code traceparent}. JMH runs each variant in its own fork: the fork starts the application on a
 * loopback port (and, with {@code export=http}, the sink, a child JVM) and one kept-alive
 * connection, checks that the variant's tracer runs and that a request's trace id reaches what it
 * serializes (or, for {@code none}, that nothing is traced), then the benchmark thread sends
 * requests one after another. At the end it prints what was serialized or delivered, so a tracer
 * that dropped is seen, and the load average at the fork's start and end.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class SpringMvcOverheadBenchmark {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  /** A sampled parent from another service, as W3C trace context (read by all the tracers). */
  static final String TRACEPARENT = "traceparent: 00-" + TRACE_ID + "-00f067aa0ba902b7-01\r\n";

  @Param({"none", "spindle", "spindleBridge", "otel"})
  public String variant;

  /**
   * {@code inProcess}: each tracer's exporter serializes and gzips on its background thread and
   * discards ({@link InProcessExport}). {@code http}: the real exporters ({@code HttpTransport},
   * OTLP/HTTP) POST to {@link Sink}.
   */
  @Param({"inProcess"})
  public String export;

  private Variant v;
  private Sink sink;
  private ConfigurableApplicationContext app;
  private LoopbackClient client;
  private byte[] plain;
  private byte[] traced;
  private long requests;
  private String loadAtStart;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    v = Variant.of(variant);
    loadAtStart = loadAverage();
    boolean http = switch (export) {
      case "http" -> true;
      case "inProcess" -> false;
      default -> throw new IllegalArgumentException("export " + export + " (expected: inProcess, http)");
    };
    sink = http ? Sink.start() : null;
    try {
      app = ItemsApp.start(v, http ? sink.url() : null);
      int port = ItemsApp.port(app);
      plain = LoopbackClient.request(port, ItemsApp.PATH, "");
      traced = LoopbackClient.request(port, ItemsApp.PATH, TRACEPARENT);
      client = new LoopbackClient(port);
      checkVariant();
    } catch (Exception | Error e) {
      if (app != null) app.close(); // JMH does not tear down after a failed setup
      if (sink != null) sink.close();
      throw e;
    }
  }

  @Benchmark
  public int request() throws IOException {
    return send(plain);
  }

  @Benchmark
  public int requestWithTraceparent() throws IOException {
    return send(traced);
  }

  private int send(byte[] request) throws IOException {
    int status = client.send(request);
    if (status != 200) throw new IllegalStateException("status " + status);
    requests++;
    return status;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      client.close();
      flush(Duration.ofSeconds(30)); // the sender may be far behind on a loaded machine
      String exported = sink != null ? "sink: " + sink.stats() : InProcessExport.stats();
      System.out.printf("%n[spring-bench] variant=%s export=%s requests=%d %s; spans handed to the OTel exporter: %d;"
          + " load average at start %s, at end %s%n", variant, export, requests, exported,
          CountingSpanExporters.EXPORTED.get(), loadAtStart, loadAverage());
    } finally {
      app.close();
      if (sink != null) sink.close();
    }
  }

  /**
   * The variant's tracer is the one running, and a request with a {@code traceparent} reaches the
   * sink in the continued trace; {@code none} has no tracer and sends nothing.
   */
  private void checkVariant() throws Exception {
    boolean spindleTracer = app.getBeanProvider(dev.spindle.Tracer.class).getIfAvailable() != null;
    io.micrometer.tracing.Tracer micrometer =
        app.getBeanProvider(io.micrometer.tracing.Tracer.class).getIfAvailable();
    boolean otelSdk = app.getBeanProvider(SdkTracerProvider.class).getIfAvailable() != null;
    boolean expected = switch (v) {
      case NONE -> !spindleTracer && micrometer == null && !otelSdk;
      case SPINDLE -> spindleTracer && micrometer == null && !otelSdk;
      case SPINDLE_BRIDGE -> spindleTracer && micrometer instanceof SpindleMicrometerTracer && !otelSdk;
      case OTEL -> !spindleTracer && micrometer instanceof OtelTracer && otelSdk;
    };
    if (!expected) {
      throw new IllegalStateException(variant + ": unexpected tracers: Spindle " + spindleTracer
          + ", Micrometer " + micrometer + ", OpenTelemetry SDK " + otelSdk);
    }
    send(traced);
    // The span ends just after the response was written: poll (10 s at most).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean exported;
    do {
      Thread.sleep(50);
      flush(Duration.ofSeconds(10));
      exported = sink != null ? exportedTo(sink) : exportedInProcess();
    } while (!exported && v != Variant.NONE && System.nanoTime() < deadline);
    if (!exported) {
      throw new IllegalStateException(variant + ": the checked request was not exported as expected: "
          + (sink != null ? sink.stats() : InProcessExport.stats()) + ", spans handed to the OTel exporter "
          + CountingSpanExporters.EXPORTED.get());
    }
    InProcessExport.keepLast = false;
  }

  private boolean exportedTo(Sink sink) throws IOException, InterruptedException {
    return switch (v) {
      case NONE -> sink.envelopes() == 0 && sink.otlpPosts() == 0;
      case SPINDLE, SPINDLE_BRIDGE -> sink.envelopes() == 1 && sink.lastHolds(false, TRACE_ID);
      case OTEL -> sink.otlpPosts() >= 1 && sink.lastHolds(true, TRACE_ID)
          && CountingSpanExporters.EXPORTED.get() == 1;
    };
  }

  private boolean exportedInProcess() {
    long items = InProcessExport.ITEMS.get();
    return switch (v) {
      case NONE -> items == 0;
      case SPINDLE, SPINDLE_BRIDGE, OTEL -> items == 1 && InProcessExport.lastHolds(v == Variant.OTEL, TRACE_ID);
    };
  }

  /** The 1, 5 and 15 minute load averages (Linux), so each figure has its machine's load beside it. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Waits until what was recorded so far was handed to the sink ({@code timeout} at most). */
  private void flush(Duration timeout) {
    if (v.spindle()) {
      app.getBean(dev.spindle.Tracer.class).flush(timeout);
    } else if (v == Variant.OTEL) {
      app.getBean(SdkTracerProvider.class).forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
