package dev.spindle.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.SpindleOptions;
import dev.spindle.testing.InMemoryTransport;
import dev.spindle.testing.SentSpan;
import dev.spindle.testing.SentTransaction;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.reporter.inmemory.InMemoryBraveSetup;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The same observations through Micrometer's reference bridge (Brave, as set up by Micrometer's
 * own test kit, {@code InMemoryBraveSetup}) and through the Spindle bridge give the same tree:
 * which span is whose parent, which continue the caller's trace, and which span the headers sent
 * by the client name. Each tracer reads the caller's headers in its own format (B3 for Brave's
 * default setup, {@code sentry-trace} for Spindle).
 */
class BraveConformanceTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER = "00f067aa0ba902b7";

  /** Each span by its {@code step} tag: its parent's step ({@code caller} for the caller), and its trace. */
  private static Map<String, String> shape(Map<String, String[]> spans, Map<String, String> sent) {
    Map<String, String> stepOfId = new HashMap<>();
    spans.forEach((step, ids) -> stepOfId.put(ids[0], step));
    stepOfId.put(CALLER, "caller");
    Map<String, String> shape = new TreeMap<>();
    spans.forEach((step, ids) -> shape.put(step, "parent=" + stepOfId.get(ids[1])
        + (ids[2].equals(TRACE) ? " (caller's trace)" : "")));
    shape.put("headers sent name", stepOfId.get(sent.get("span")));
    return shape;
  }

  /** A server request continuing the caller, with a nested step calling out, then a second step; returns what the client sent. */
  private static Map<String, String> scenario(ObservationRegistry registry, Map<String, String> incoming,
      Function<Map<String, String>, String> sentSpanId) {
    Map<String, String> sent = new HashMap<>();
    ReceiverContext<Map<String, String>> server = new ReceiverContext<>(Map::get, Kind.SERVER);
    server.setCarrier(incoming);
    Observation.createNotStarted("server", () -> server, registry).lowCardinalityKeyValue("step", "server")
        .observe(() -> {
          Observation.createNotStarted("load", registry).lowCardinalityKeyValue("step", "load").observe(() -> {
            SenderContext<Map<String, String>> client = new SenderContext<>(Map::put, Kind.CLIENT);
            client.setCarrier(sent);
            Observation.createNotStarted("client", () -> client, registry).lowCardinalityKeyValue("step", "client")
                .observe(() -> {});
          });
          Observation.createNotStarted("render", registry).lowCardinalityKeyValue("step", "render").observe(() -> {});
        });
    return Map.of("span", sentSpanId.apply(sent));
  }

  @Test
  void spindleBuildsTheSameTreeAsMicrometersBraveBridge() {
    ObservationRegistry braveRegistry = ObservationRegistry.create();
    Map<String, String> brave;
    try (InMemoryBraveSetup setup = InMemoryBraveSetup.builder().register(braveRegistry)) {
      var tracer = setup.getBuildingBlocks().getTracer();
      Propagator propagator = setup.getBuildingBlocks().getPropagator();
      TraceContext caller = tracer.traceContextBuilder().traceId(TRACE).spanId(CALLER).sampled(true).build();
      Map<String, String> headers = new HashMap<>();
      propagator.inject(caller, headers, Map::put);
      Map<String, String> sent = scenario(braveRegistry, headers,
          h -> propagator.extract(h, Map::get).start().context().parentId());
      Map<String, String[]> spans = new HashMap<>();
      for (FinishedSpan s : setup.getBuildingBlocks().getFinishedSpans()) {
        if (s.getTags().containsKey("step")) {
          spans.put(s.getTags().get("step"), new String[] {s.getSpanId(), s.getParentId(), s.getTraceId()});
        }
      }
      brave = shape(spans, sent);
    }

    InMemoryTransport transport = new InMemoryTransport();
    dev.spindle.Tracer spindle = dev.spindle.Tracer.create(new SpindleOptions()
        .setDsn("http://public@127.0.0.1:9/7").setTracesSampleRate(1.0).setTransport(transport));
    Map<String, String> ours;
    try {
      SpindleMicrometerTracer tracer = SpindleMicrometerTracer.create(spindle);
      SpindlePropagator propagator = SpindlePropagator.create(tracer);
      ObservationRegistry registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
          new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
          new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
          new DefaultTracingObservationHandler(tracer)));
      Map<String, String> sent = scenario(registry, Map.of("sentry-trace", TRACE + "-" + CALLER + "-1"),
          h -> h.get("sentry-trace").split("-")[1]);
      SentTransaction tx = transport.awaitTransactions(1).get(0);
      Map<String, String[]> spans = new HashMap<>();
      spans.put((String) tx.data().get("step"), new String[] {tx.spanId(), tx.parentSpanId(), tx.traceId()});
      for (SentSpan s : tx.spans()) {
        spans.put((String) s.data().get("step"), new String[] {s.spanId(), s.parentSpanId(), s.traceId()});
      }
      ours = shape(spans, sent);
    } finally {
      spindle.close();
    }

    assertEquals(Map.of("server", "parent=caller (caller's trace)", "load", "parent=server (caller's trace)",
        "client", "parent=load (caller's trace)", "render", "parent=server (caller's trace)",
        "headers sent name", "client"), new HashMap<>(brave), "Brave's tree");
    assertEquals(brave, ours);
  }
}
