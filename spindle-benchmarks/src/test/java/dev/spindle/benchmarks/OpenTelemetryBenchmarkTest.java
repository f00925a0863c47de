package dev.spindle.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OpenTelemetry fixtures do the work the benchmarks claim: no speed is measured here. */
@Timeout(30)
class OpenTelemetryBenchmarkTest {
  final OpenTelemetryBenchmark bench = new OpenTelemetryBenchmark();

  @Test
  void childSpanRotatesTheParentEveryFiveHundredChildren() {
    OpenTelemetryBenchmark.ParentFixture f = new OpenTelemetryBenchmark.ParentFixture();
    f.setUp();
    Span first = f.parent;
    for (int i = 0; i < Fixtures.CHILDREN_PER_PARENT - 1; i++) bench.childSpan(f);
    Span child = bench.childSpanOfCurrent(f);
    assertEquals(first.getSpanContext().getSpanId(), parentOf(child), "child of the current root");
    assertTrue(f.parent != first, "the root was replaced after 500 children");
    assertEquals(Span.current(), f.parent, "and the new root is current");
    f.tearDown();
    // 500 children and the two roots; the queue (2048) is large enough to drop none here.
    assertEquals(Fixtures.CHILDREN_PER_PARENT + 2, f.ended);
    assertEquals(f.ended, f.exporter.exported.get());
  }

  @Test
  void transactionWith10ChildrenExportsElevenSpans() {
    OpenTelemetryBenchmark.ExportFixture f = new OpenTelemetryBenchmark.ExportFixture();
    f.setUp();
    for (int i = 0; i < 3; i++) bench.transactionWith10Children(f);
    f.tearDown();
    assertEquals(3 * (Fixtures.CHILDREN_PER_TRANSACTION + 1), f.exporter.exported.get());
  }

  @Test
  void injectExtractReadsBackTheCurrentSpan() {
    OpenTelemetryBenchmark.PropagationFixture f = new OpenTelemetryBenchmark.PropagationFixture();
    f.setUp();
    Context in = bench.injectExtract(f);
    SpanContext read = Span.fromContext(in).getSpanContext();
    assertTrue(read.isRemote());
    assertEquals(f.current.getSpanContext().getTraceId(), read.getTraceId());
    assertEquals(f.current.getSpanContext().getSpanId(), read.getSpanId());
    assertTrue(read.isSampled());
    f.tearDown();
  }

  @Test
  void injectExtractW3cReadsBackTheCurrentSpanAndItsTracestate() {
    OpenTelemetryBenchmark.W3cFixture f = new OpenTelemetryBenchmark.W3cFixture();
    f.setUp();
    java.util.Map<String, String> headers = new java.util.HashMap<>();
    f.propagator.inject(Context.current(), headers, OpenTelemetryBenchmark.MapCarrier.INSTANCE);
    assertEquals(java.util.Set.of("traceparent", "tracestate"), headers.keySet());
    SpanContext read = Span.fromContext(bench.injectExtractW3c(f)).getSpanContext();
    assertTrue(read.isRemote());
    assertEquals(Fixtures.UPSTREAM_TRACEPARENT.substring(3, 35), read.getTraceId());
    assertEquals(f.current.getSpanContext().getSpanId(), read.getSpanId());
    assertTrue(read.isSampled());
    assertEquals(2, read.getTraceState().size());
    assertEquals(Fixtures.UPSTREAM_TRACESTATE, headers.get("tracestate"));
    f.tearDown();
  }

  private static String parentOf(Span span) {
    return ((io.opentelemetry.sdk.trace.ReadableSpan) span).getParentSpanContext().getSpanId();
  }
}
