package dev.spindle.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.propagation.Propagation;
import dev.spindle.testing.InMemoryTransport;
import dev.spindle.testing.SentSpan;
import dev.spindle.testing.SentTransaction;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Micrometer's own tracing handlers on a real {@link ObservationRegistry}, with the bridge as their
 * tracer and propagator: what Spindle sends.
 */
class ObservationHandlersTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER = "00f067aa0ba902b7";

  private final InMemoryTransport transport = new InMemoryTransport();
  private final Tracer spindle = Tracer.create(new SpindleOptions().setDsn("http://public@127.0.0.1:9/7")
      .setTracesSampleRate(1.0).setTransport(transport));
  private final SpindleMicrometerTracer tracer = SpindleMicrometerTracer.create(spindle);
  private final ObservationRegistry registry = ObservationRegistry.create();

  ObservationHandlersTest() {
    SpindlePropagator propagator = SpindlePropagator.create(tracer);
    registry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
        new DefaultTracingObservationHandler(tracer)));
  }

  @AfterEach
  void close() {
    spindle.close();
  }

  @Test
  void nestedObservationsAreATransactionAndItsChildSpans() {
    Observation.createNotStarted("checkout", registry).observe(() -> {
      Observation.createNotStarted("checkout.pay", registry).contextualName("pay")
          .lowCardinalityKeyValue("provider", "acme").observe(() -> {
            Observation.createNotStarted("checkout.pay.call", registry).observe(() -> {});
          });
      Observation.createNotStarted("checkout.ship", registry).observe(() -> {});
    });

    SentTransaction tx = transport.awaitTransactions(1).get(0);
    assertEquals(1, transport.transactions().size());
    assertEquals("checkout", tx.name());
    assertEquals("checkout", tx.operation());
    assertEquals("ok", tx.status());
    SentSpan pay = tx.span("pay");
    assertEquals(tx.spanId(), pay.parentSpanId());
    assertEquals("pay", pay.description());
    assertEquals("acme", pay.data().get("provider"));
    assertEquals(SpindleMicrometerTracer.ORIGIN, pay.origin());
    assertEquals(pay.spanId(), tx.span("checkout.pay.call").parentSpanId());
    assertEquals(tx.spanId(), tx.span("checkout.ship").parentSpanId());
    assertNull(tracer.currentSpan(), "every scope closed");
  }

  @Test
  void clientObservationInjectsTheHeadersOfItsOwnSpanCurrentAtSendTime() {
    Map<String, String> first = new HashMap<>();
    Map<String, String> second = new HashMap<>();
    Observation.createNotStarted("request", registry).observe(() -> {
      Observation.createNotStarted("step.one", registry).observe(() -> send(first, 200));
      Observation.createNotStarted("step.two", registry).observe(() -> send(second, 503));
    });

    SentTransaction tx = transport.awaitTransactions(1).get(0);
    List<SentSpan> clients = tx.spans().stream().filter(s -> s.operation().equals("http.client")).toList();
    assertEquals(2, clients.size());
    SentSpan one = clients.get(0);
    SentSpan two = clients.get(1);
    assertEquals(tx.span("step.one").spanId(), one.parentSpanId());
    assertEquals(tx.span("step.two").spanId(), two.parentSpanId());
    assertEquals(Propagation.sentryTrace(tx.traceId(), one.spanId(), true), first.get("sentry-trace"));
    assertEquals(Propagation.sentryTrace(tx.traceId(), two.spanId(), true), second.get("sentry-trace"));
    assertTrue(second.get("traceparent").startsWith("00-" + tx.traceId() + "-" + two.spanId() + "-"),
        second.get("traceparent"));
    assertTrue(second.get("baggage").contains("sentry-trace_id=" + tx.traceId()), second.get("baggage"));
    assertEquals("GET http://127.0.0.1:8080/users/7", one.description());
    assertEquals("http://127.0.0.1:8080/users/7", one.data().get("http.url"));
    assertEquals("token=[Filtered]", one.data().get("http.query"));
    assertEquals("ok", one.status());
    assertEquals("unavailable", two.status());
    assertEquals("GET", one.data().get("method"));
    assertEquals("127.0.0.1", one.data().get("server.address"));
    assertEquals(8080, ((Number) one.data().get("server.port")).intValue());
  }

  private void send(Map<String, String> carrier, int status) {
    SenderContext<Map<String, String>> context = new SenderContext<>(Map::put, Kind.CLIENT);
    context.setCarrier(carrier);
    context.setRemoteServiceAddress("http://127.0.0.1:8080");
    Observation.createNotStarted("http.client.requests", () -> context, registry)
        .contextualName("http get")
        .lowCardinalityKeyValue("method", "GET")
        .lowCardinalityKeyValue("status", String.valueOf(status))
        .highCardinalityKeyValue("http.url", "http://127.0.0.1:8080/users/7?token=secret")
        .observe(() -> assertTrue(carrier.containsKey("sentry-trace"), "headers written when sent"));
  }

  @Test
  void serverObservationContinuesTheSentryTraceHeaderAsATransaction() {
    Map<String, String> headers = Map.of("sentry-trace", TRACE + "-" + CALLER + "-1",
        "baggage", "sentry-trace_id=" + TRACE + ",sentry-sample_rate=1,tenant=blue");
    receive(headers, "GET", "/users/{id}", "200", () ->
        Observation.createNotStarted("users.load", registry).observe(() -> {}));

    SentTransaction tx = transport.awaitTransactions(1).get(0);
    assertEquals(TRACE, tx.traceId());
    assertEquals(CALLER, tx.parentSpanId());
    assertEquals("http.server", tx.operation());
    assertEquals("GET /users/{id}", tx.name());
    assertEquals("route", tx.source());
    assertEquals("ok", tx.status());
    assertEquals(tx.spanId(), tx.span("users.load").parentSpanId());
    assertEquals(TRACE, tx.dynamicSamplingContext().get("trace_id"), "the caller's DSC, frozen");
  }

  @Test
  void serverObservationContinuesATraceparentAndOwnsItsTransactionEvenUnderACurrentSpan() {
    Map<String, String> headers = Map.of("traceparent", "00-" + TRACE + "-" + CALLER + "-01");
    Observation.createNotStarted("outer", registry).observe(() ->
        receive(headers, "POST", "/orders", "500", () -> {}));

    List<SentTransaction> sent = transport.awaitTransactions(2);
    SentTransaction server = transport.transaction("POST /orders");
    assertEquals(TRACE, server.traceId());
    assertEquals(CALLER, server.parentSpanId());
    assertEquals("internal_error", server.status());
    assertNotEquals(TRACE, transport.transaction("outer").traceId());
    assertEquals(2, sent.size());
  }

  @Test
  void serverObservationWithoutHeadersStartsANewTrace() {
    receive(Map.of(), "GET", "/health", "200", () -> {});
    SentTransaction tx = transport.awaitTransactions(1).get(0);
    assertNull(tx.parentSpanId());
    assertEquals("GET /health", tx.name());
  }

  @Test
  void anErrorFailsTheSpan() {
    Observation outer = Observation.start("job", registry);
    try (Observation.Scope scope = outer.openScope()) {
      Observation.createNotStarted("job.step", registry).observe(() -> {
        try {
          Observation.createNotStarted("job.step.inner", registry)
              .observe(() -> { throw new IllegalStateException("boom"); });
        } catch (IllegalStateException expected) {
          // observe() records it, then rethrows
        }
      });
    } finally {
      outer.stop();
    }
    SentTransaction tx = transport.awaitTransactions(1).get(0);
    SentSpan inner = tx.span("job.step.inner");
    assertEquals("internal_error", inner.status());
    assertEquals(IllegalStateException.class.getName(), inner.data().get("error.type"));
    assertEquals("ok", tx.span("job.step").status());
  }

  @Test
  void messagingObservationsArePublishSpansAndProcessTransactions() {
    Map<String, String> record = new HashMap<>();
    Observation.createNotStarted("orders.job", registry).observe(() -> {
      SenderContext<Map<String, String>> send = new SenderContext<>(Map::put, Kind.PRODUCER);
      send.setCarrier(record);
      Observation.createNotStarted("spring.kafka.template", () -> send, registry)
          .lowCardinalityKeyValue("messaging.system", "kafka")
          .lowCardinalityKeyValue("messaging.destination.name", "orders").observe(() -> {});
    });
    ReceiverContext<Map<String, String>> receive = new ReceiverContext<>(Map::get, Kind.CONSUMER);
    receive.setCarrier(record);
    Observation.createNotStarted("spring.kafka.listener", () -> receive, registry)
        .lowCardinalityKeyValue("messaging.system", "kafka")
        .lowCardinalityKeyValue("messaging.destination.name", "orders").observe(() -> {});

    transport.awaitTransactions(2);
    SentSpan publish = transport.transaction("orders.job").span("queue.publish");
    assertEquals("orders", publish.description());
    SentTransaction process = transport.transaction("orders");
    assertEquals("queue.process", process.operation());
    assertEquals("task", process.source());
    assertEquals(publish.spanId(), process.parentSpanId());
    assertEquals(publish.traceId(), process.traceId());
  }

  @Test
  void grpcObservationsAreRpcOpsWithTheirStatus() {
    Observation.createNotStarted("call", registry).observe(() -> {
      SenderContext<Map<String, String>> context = new SenderContext<>(Map::put, Kind.CLIENT);
      context.setCarrier(new HashMap<>());
      Observation.createNotStarted("grpc.client", () -> context, registry)
          .contextualName("shop.Catalog/Get")
          .lowCardinalityKeyValue("rpc.system", "grpc")
          .lowCardinalityKeyValue("grpc.status_code", "NOT_FOUND").observe(() -> {});
    });
    SentSpan rpc = transport.awaitTransactions(1).get(0).span("rpc.grpc");
    assertEquals("shop.Catalog/Get", rpc.description());
    assertEquals("not_found", rpc.status());
  }

  private void receive(Map<String, String> headers, String method, String route, String status, Runnable handler) {
    ReceiverContext<Map<String, String>> context = new ReceiverContext<>(Map::get, Kind.SERVER);
    context.setCarrier(headers);
    Observation.createNotStarted("http.server.requests", () -> context, registry)
        .contextualName("http " + method.toLowerCase() + " " + route)
        .lowCardinalityKeyValue("method", method)
        .lowCardinalityKeyValue("uri", route)
        .lowCardinalityKeyValue("status", status)
        .observe(handler);
  }
}
