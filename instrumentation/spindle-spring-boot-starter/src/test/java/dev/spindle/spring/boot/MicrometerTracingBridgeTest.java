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
import io.micrometer.observation.annotation.Observed;
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
import reactor.core.scheduler.Schedulers;

/**
 * The starter with Micrometer Tracing on the classpath (and Actuator), in a Spring MVC and a
 * WebFlux application: the bridge is Micrometer's tracer, an observation made inside a request
 * (by hand, by an {@code @Observed} method through Boot's AspectJ aspect, inside a WebFlux
 * operator on another thread) is a span of the starter's transaction, and Spring's own HTTP
 * observations, which still run (their metrics are there), add no span: one request is one server
 * transaction and one client span.
 */
@Timeout(120)
class MicrometerTracingBridgeTest {
  private static final InMemoryTransport TRANSPORT = new InMemoryTransport();
  private static ConfigurableApplicationContext mvc;
  private static ConfigurableApplicationContext webflux;

  @BeforeAll
  static void start() {
    String[] properties = {"spindle.dsn=http://public@127.0.0.1:9/1", "spindle.traces-sample-rate=1.0"};
    mvc = TestApps.start(Shop.class, properties[0], properties[1],
        "management.observations.annotations.enabled=true");
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

  @Test
  void observedMethodThroughAspectJ() throws Exception {
    assertEquals("stock 7", get(mvc, "/observed/7"));
    SentSpan lookup = onlySpanOf("GET /observed/{id}");
    // ObservedAspect names the span Class#method; the observation's name is a tag
    assertEquals("ShopInventory#lookup", lookup.operation());
    assertEquals("lookup", lookup.data().get("method"));
  }

  @Test
  void webFluxObservationInsideAnOperatorOnAnotherThread() throws Exception {
    assertEquals("stock 7", get(webflux, "/observed/7"));
    SentSpan check = onlySpanOf("GET /observed/{id}");
    assertEquals("inventory.check", check.operation());
    assertTrue(String.valueOf(check.data().get("thread")).startsWith("boundedElastic"), check.data().toString());
  }

  /** The one span of the one transaction named {@code name}: an observation's, child of the transaction. */
  private static SentSpan onlySpanOf(String name) throws Exception {
    TRANSPORT.awaitTransactions(1);
    SentTransaction tx = TRANSPORT.transaction(name);
    assertEquals(1, TRANSPORT.transactions().size(), TRANSPORT.transactions().toString());
    assertEquals(1, tx.spans().size(), tx.spans().toString());
    SentSpan span = tx.spans().get(0);
    assertEquals(SpindleMicrometerTracer.ORIGIN, span.origin());
    assertEquals(tx.spanId(), span.parentSpanId());
    assertEquals(tx.traceId(), span.traceId());
    return span;
  }

  private static String get(ConfigurableApplicationContext app, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(TestApps.url(app) + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The front transaction, checked: one client span among {@code spans}, none from Spring's HTTP observations. */
  private SentTransaction oneServerTransactionAndOneClientSpanPerRequest(ConfigurableApplicationContext app,
      int spans) throws Exception {
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    long serversBefore = count(meters, "http.server.requests"); // other tests' requests are counted too
    long clientsBefore = count(meters, "http.client.requests");
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
    assertEquals(serversBefore + 2, awaitCount(meters, "http.server.requests", serversBefore + 2),
        "Spring's server observations ran (their metrics are kept)");
    assertEquals(clientsBefore + 1, awaitCount(meters, "http.client.requests", clientsBefore + 1), "and its client observation");
    return front;
  }

  private static long count(MeterRegistry meters, String name) {
    return meters.find(name).timers().stream().mapToLong(t -> t.count()).sum();
  }

  /** The count of the timers named {@code name} once it reached {@code expected}, or after 10 s. */
  private static long awaitCount(MeterRegistry meters, String name, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long count;
    do {
      count = count(meters, name);
      if (count >= expected) return count;
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return count;
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({ShopController.class, ShopInventory.class})
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

  @RestController
  static class ReactiveShopController {
    private final WebClient client;
    private final ObservationRegistry observations;

    ReactiveShopController(WebClient.Builder builder, ObservationRegistry observations) {
      this.client = builder.build();
      this.observations = observations;
    }

    /** An observation made in an operator on another thread (Reactor's context propagation). */
    @GetMapping("/observed/{id}")
    Mono<String> observed(@PathVariable("id") String id) {
      return Mono.just(id).publishOn(Schedulers.boundedElastic())
          .map(x -> Observation.createNotStarted("inventory.check", observations)
              .highCardinalityKeyValue("thread", Thread.currentThread().getName())
              .observe(() -> "stock " + x));
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

  /** Observed through Boot's {@code ObservedAspect} (AspectJ on the classpath). */
  static class ShopInventory {
    @Observed(name = "inventory.lookup")
    public String lookup(String id) {
      return "stock " + id;
    }
  }

  @RestController
  static class ShopController {
    private final RestClient client;
    private final ObservationRegistry observations;
    private final ShopInventory inventory;

    ShopController(RestClient.Builder builder, ObservationRegistry observations, ShopInventory inventory) {
      this.client = builder.build();
      this.observations = observations;
      this.inventory = inventory;
    }

    @GetMapping("/observed/{id}")
    String observed(@PathVariable("id") String id) {
      return inventory.lookup(id);
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
