package dev.spindle.examples.springkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.examples.springkafka.orders.OrdersApp;
import dev.spindle.examples.springkafka.shipping.ShippingApp;
import dev.spindle.server.SpindleServer;
import dev.spindle.testsupport.KafkaTestBroker;
import dev.spindle.testsupport.SpindleApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example as its README runs it: a real Spindle server, a real KRaft broker and both
 * applications on loopback ports; the trace is read back through Spindle's query API.
 */
@Timeout(180)
class SpringKafkaExampleTest {
  private static final String TOPIC = "orders";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path dir;
  private static SpindleServer spindle;
  private static SpindleApi api;
  private static KafkaTestBroker kafka;
  private static ConfigurableApplicationContext orders;
  private static ConfigurableApplicationContext shipping;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("spindle-spring-kafka");
    spindle = SpindleServer.builder().port(0).bind("127.0.0.1").dataDir(dir.resolve("spindle"))
        .out(new PrintStream(new ByteArrayOutputStream(), true)).start();
    api = new SpindleApi(spindle.url(), spindle.bootstrap().apiToken());
    kafka = KafkaTestBroker.start(dir.resolve("kafka"));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    orders = run(OrdersApp.builder());
    shipping = run(ShippingApp.builder(), "orders.url=" + url(orders));
  }

  private static ConfigurableApplicationContext run(SpringApplicationBuilder app, String... more) {
    List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
        "spring.main.banner-mode=off", "logging.level.root=WARN", "kafka.bootstrap-servers=" + kafka.bootstrap,
        "orders.topic=" + TOPIC, "spindle.dsn=" + spindle.bootstrap().dsn()));
    properties.addAll(List.of(more));
    return app.properties(properties.toArray(new String[0])).run();
  }

  @AfterAll
  static void stop() throws Exception {
    if (shipping != null) shipping.close();
    if (orders != null) orders.close();
    if (kafka != null) kafka.close();
    if (spindle != null) spindle.close();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * orders: POST /orders/{id} (queue.publish) -> topic -> shipping: queue.process -> RestClient ->
   * orders: POST /orders/{id}/shipped. One trace, three transactions, each parented to its caller.
   */
  @Test
  void oneTraceAcrossTheTopic() throws Exception {
    HttpResponse<String> placed = HTTP.send(HttpRequest.newBuilder(URI.create(url(orders) + "/orders/7"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, placed.statusCode(), placed.body());
    String traceId = placed.body().trim().substring(placed.body().trim().lastIndexOf(' ') + 1);

    JsonNode trace = api.awaitTrace(traceId, 3);
    List<JsonNode> txs = new ArrayList<>();
    trace.path("transactions").forEach(txs::add);
    assertEquals(3, txs.size(), trace.toPrettyString());
    for (JsonNode t : txs) assertFalse(t.path("orphan").asBoolean(), "orphan: " + t);
    assertEquals(0, trace.path("looseSpans").size(), "loose spans: " + trace.path("looseSpans"));

    JsonNode place = named(txs, "POST /orders/{id}");
    assertTrue(place.path("parentSpanId").isNull(), place.toString());
    assertEquals("orders", place.path("service").asText());
    JsonNode publish = child(place, "queue.publish");
    assertEquals(TOPIC, publish.path("description").asText());

    JsonNode process = named(txs, TOPIC);
    assertEquals("queue.process", process.path("op").asText());
    assertEquals("shipping", process.path("service").asText());
    assertEquals(publish.path("spanId").asText(), process.path("parentSpanId").asText(),
        "the consumer's transaction is parented to the producer's span");
    JsonNode waited = process.path("data").path("messaging.message.receive.latency");
    assertTrue(waited.isNumber() && waited.asLong() >= 0, "queue wait recorded: " + process.path("data"));

    JsonNode callback = child(process, "http.client");
    JsonNode shipped = named(txs, "POST /orders/{id}/shipped");
    assertEquals("orders", shipped.path("service").asText());
    assertEquals(callback.path("spanId").asText(), shipped.path("parentSpanId").asText());
    assertEquals("ok", shipped.path("status").asText());

    HttpResponse<String> state = HTTP.send(HttpRequest.newBuilder(URI.create(url(orders) + "/orders/7"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("shipped", state.body().trim());
  }

  private static JsonNode named(List<JsonNode> txs, String name) {
    Optional<JsonNode> found = txs.stream().filter(t -> name.equals(t.path("name").asText())).findFirst();
    return found.orElseThrow(() -> new AssertionError("no transaction " + name + " in " + txs));
  }

  private static JsonNode child(JsonNode tx, String op) {
    List<JsonNode> spans = new ArrayList<>();
    tx.path("spans").forEach(s -> {
      if (op.equals(s.path("op").asText())) spans.add(s);
    });
    assertEquals(1, spans.size(), op + " spans of " + tx);
    assertEquals(tx.path("spanId").asText(), spans.get(0).path("parentSpanId").asText(), spans.get(0).toString());
    return spans.get(0);
  }

  private static String url(ConfigurableApplicationContext app) {
    return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }
}
