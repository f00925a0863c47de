package dev.spindle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.propagation.Propagation;
import dev.spindle.transport.Transport;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Spindle's traceparent is continued by OpenTelemetry's W3C propagator, and the other way round. */
@Timeout(30)
class OpenTelemetryInteropTest {
  static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  Tracer spindle;

  @AfterEach
  void close() {
    if (spindle != null) spindle.close();
  }

  @Test
  void openTelemetryContinuesSpindleTraces() {
    for (boolean sampled : new boolean[] {true, false}) {
      spindle = Tracer.create(new SpindleOptions().setTracesSampleRate(sampled ? 1.0 : 0.0)
          .setTransport(Transport.noop()));
      Transaction tx = spindle.startTransaction("GET /catalog", "http.server");
      Span call = tx.startChild("http.client");
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      spindle.inject(call, headers, Propagation.mapSetter());

      Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
      SpanContext theirs = io.opentelemetry.api.trace.Span.fromContext(extracted).getSpanContext();
      assertTrue(theirs.isValid(), headers.toString());
      assertTrue(theirs.isRemote());
      assertEquals(tx.traceId(), theirs.getTraceId());
      assertEquals(call.spanId(), theirs.getSpanId());
      assertEquals(sampled, theirs.isSampled());
      call.finish();
      tx.finish();
      spindle.close();
    }
  }

  @Test
  void spindleContinuesOpenTelemetryTraces() {
    spindle = Tracer.create(new SpindleOptions().setTracesSampleRate(0.5).setTransport(Transport.noop()));
    SpanContext parent = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
        TraceFlags.getSampled(), TraceState.builder().put("vendor", "value").build());
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    W3CTraceContextPropagator.getInstance().inject(
        Context.root().with(io.opentelemetry.api.trace.Span.wrap(parent)), headers, Map::put);

    Transaction ours = spindle.continueTrace(headers, Propagation.mapGetter(), "GET /x", "http.server",
        TransactionSource.ROUTE);
    assertEquals(parent.getTraceId(), ours.traceId());
    assertEquals(parent.getSpanId(), ours.parentSpanId());
    assertTrue(ours.isRecording(), "the sampled flag is the parent's decision");

    // Spindle forwards the tracestate, and OpenTelemetry reads its own state back.
    Span child = ours.startChild("http.client");
    Map<String, String> onward = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    spindle.inject(child, onward, Propagation.mapSetter());
    SpanContext again = io.opentelemetry.api.trace.Span.fromContext(
        W3CTraceContextPropagator.getInstance().extract(Context.root(), onward, GETTER)).getSpanContext();
    assertEquals(parent.getTraceId(), again.getTraceId());
    assertEquals(child.spanId(), again.getSpanId());
    assertEquals("value", again.getTraceState().get("vendor"));
    child.finish();
    ours.finish();
  }
}
