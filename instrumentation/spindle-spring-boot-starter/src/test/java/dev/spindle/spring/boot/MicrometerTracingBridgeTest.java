package dev.spindle.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.micrometer.SpindleMicrometerTracer;
import dev.spindle.testing.InMemoryTransport;
import dev.spindle.testing.SentSpan;
import dev.spindle.testing.SentTransaction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The starter with Micrometer Tracing on the classpath (and Actuator), in a Spring MVC and a
 * WebFlux application: the bridge is Micrometer's tracer, an observation made inside an MVC request
 * is a span of the starter's transaction, and Spring's own HTTP observations, which still run
 * (their metrics are there), add no span: one request is one server transaction and one client
 * span.
 */
@Timeout(120)
class MicrometerTracingBridgeTest {
  private static final InMemoryTransport TRANSPORT = new InMemoryTransport();
  private static ConfigurableApplicationContext mvc;
  private static ConfigurableApplicationContext webflux;

  @BeforeAll
  static void start() {
    String[] properties = {"spindle.dsn=http://public@127.0.0.1:9/1", "spindle.traces-sample-rate=1.0"};
    mvc = TestApps.start(Shop.class, properties);
    webflux = TestApps.start(ReactiveShop.class, properties[0], properties[1],
        "spring.main.web-application-type=reactive");
  }

  @AfterAll
  static void stop() {
    if (mvc != null) mvc.close();
    if (webflux != null) webflux.close();
  }

  @BeforeEach
  void clear() {
    TRANSPORT.clear();
  }

  @Test
  void mvcAndRestClientWithAnObservationBetween() throws Exception {
    SentTransaction front = oneServerTransactionAndOneClientSpanPerRequest(mvc, 2);
    SentSpan check = front.span("inventory.check");
    assertEquals(SpindleMicrometerTracer.ORIGIN, check.origin());
    assertEquals(front.spanId(), check.parentSpanId());
    assertEquals(check.spanId(), front.span("http.client").parentSpanId(), "the client call ran inside the observation");
  }

  @Test
  void webFluxAndWebClient() throws Exception {
    SentTransaction front = oneServerTransactionAndOneClientSpanPerRequest(webflux, 1);
    assertEquals(front.spanId(), front.span("http.client").parentSpanId());
  }

  /** The front transaction, checked: one client span among {@code spans}, none from Spring's HTTP observations. */
  private SentTransaction oneServerTransactionAndOneClientSpanPerRequest(ConfigurableApplicationContext app,
      int spans) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(TestApps.url(app) + "/front/7")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("back 7", r.body());

    TRANSPORT.awaitTransactions(2);
    app.getBean(dev.spindle.Tracer.class).flush(Duration.ofSeconds(5));
    List<SentTransaction> sent = TRANSPORT.transactions();
    assertEquals(2, sent.size(), "one transaction per request: " + sent);
    SentTransaction front = TRANSPORT.transaction("GET /front/{id}");
    SentTransaction back = TRANSPORT.transaction("GET /back/{id}");
    assertEquals("http.server", front.operation());
    assertEquals("route", front.source());

    List<SentSpan> clients = front.spans().stream().filter(s -> s.operation().equals("http.client")).toList();
    assertEquals(1, clients.size(), "one client span: " + front.spans());
    assertEquals(spans, front.spans().size(), "no span from Spring's HTTP observations: " + front.spans());
    assertEquals(front.traceId(), back.traceId());
    assertEquals(clients.get(0).spanId(), back.parentSpanId());
    assertTrue(back.spans().isEmpty(), back.spans().toString());

    assertInstanceOf(SpindleMicrometerTracer.class, app.getBean(io.micrometer.tracing.Tracer.class));
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertEquals(2, awaitCount(meters, "http.server.requests", 2),
        "Spring's server observations ran (their metrics are kept)");
    assertEquals(1, awaitCount(meters, "http.client.requests", 1), "and its client observation");
    return front;
  }

  /** The count of the timers named {@code name} once it reached {@code expected}, or after 10 s. */
  private static long awaitCount(MeterRegistry meters, String name, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long count;
    do {
      count = meters.find(name).timers().stream().mapToLong(t -> t.count()).sum();
      if (count >= expected) return count;
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return count;
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(ShopController.class)
  static class Shop {
    @Bean
    SpindleOptionsCustomizer inMemoryTransport() {
      return options -> options.setTransport(TRANSPORT);
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(ReactiveShopController.class)
  static class ReactiveShop {
    @Bean
    SpindleOptionsCustomizer inMemoryTransport() {
      return options -> options.setTransport(TRANSPORT);
    }
  }

  /**
   * No observation of its own: in WebFlux the starter's transaction is not current on the threads
   * operators run on (see the starter's limits), so an observation made here would not nest.
   */
  @RestController
  static class ReactiveShopController {
    private final WebClient client;

    ReactiveShopController(WebClient.Builder builder) {
      this.client = builder.build();
    }

    @GetMapping("/front/{id}")
    Mono<String> front(@PathVariable("id") String id, ServerHttpRequest request) {
      String back = "http://127.0.0.1:" + request.getLocalAddress().getPort() + "/back/" + id;
      return client.get().uri(back).retrieve().bodyToMono(String.class);
    }

    @GetMapping("/back/{id}")
    Mono<String> back(@PathVariable("id") String id) {
      return Mono.just("back " + id);
    }
  }

  @RestController
  static class ShopController {
    private final RestClient client;
    private final ObservationRegistry observations;

    ShopController(RestClient.Builder builder, ObservationRegistry observations) {
      this.client = builder.build();
      this.observations = observations;
    }

    @GetMapping("/front/{id}")
    String front(@PathVariable("id") String id, HttpServletRequest request) {
      String back = "http://127.0.0.1:" + request.getLocalPort() + "/back/" + id;
      return Observation.createNotStarted("inventory.check", observations)
          .observe(() -> client.get().uri(back).retrieve().body(String.class));
    }

    @GetMapping("/back/{id}")
    String back(@PathVariable("id") String id) {
      return "back " + id;
    }
  }
}
