package dev.spindle.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.instrumentation.tests.CapturingTransport;
import dev.spindle.instrumentation.tests.StrictScopesExtension;
import dev.spindle.instrumentation.tests.Traces;
import dev.spindle.testsupport.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service A produces through {@link TracingProducer}, service B consumes with
 * {@link TracingConsumer}, each with its own tracer, across a real KRaft broker.
 */
@ExtendWith(StrictScopesExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TracingKafkaTest {
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @TempDir
  static Path dir;
  private static KafkaTestBroker kafka;
  private static Admin admin;

  private final CapturingTransport sentByA = new CapturingTransport();
  private final CapturingTransport sentByB = new CapturingTransport();
  private Tracer serviceA;
  private Tracer serviceB;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = KafkaTestBroker.start(dir.resolve("kafka"));
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (admin != null) admin.close();
    if (kafka != null) kafka.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    serviceA = tracer(sentByA);
    serviceB = tracer(sentByB);
    topic = "orders-" + TOPICS.incrementAndGet();
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeAfter) c.close();
    serviceA.close();
    serviceB.close();
  }

  private static Tracer tracer(CapturingTransport transport) {
    return Tracer.create(new SpindleOptions().setDsn("http://public@127.0.0.1:9/7")
        .setTracesSampleRate(1.0).setTransport(transport));
  }

  private KafkaProducer<String, String> plainProducer() {
    KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000),
        new StringSerializer(), new StringSerializer());
    closeAfter.add(p);
    return p;
  }

  /** Reads {@code n} records of the test's topic from its beginning. */
  private List<ConsumerRecord<String, String>> consume(int n) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (records.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertEquals(n, records.size(), "records read from " + topic);
      return records;
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void oneTraceAcrossTheTopic() throws Exception {
    Producer<String, String> producer = TracingProducer.create(plainProducer(), serviceA);
    Transaction checkout = serviceA.startTransaction("checkout", "task");
    try (Scope s = checkout.makeCurrent()) {
      producer.send(new ProducerRecord<>(topic, "order-1", "{}")).get(10, TimeUnit.SECONDS);
    } finally {
      checkout.finish();
    }
    Thread.sleep(150); // the record waits in the topic

    ConsumerRecord<String, String> record = consume(1).get(0);
    TracingConsumer.process(record, serviceB,
        r -> serviceB.currentSpan().startChild("db.query", "INSERT INTO orders").finish());

    JsonNode a = sentByA.awaitTransactionOfSpan(checkout.spanId());
    List<JsonNode> publishes = Traces.spans(a, "queue.publish");
    assertEquals(1, publishes.size(), "one queue.publish span");
    JsonNode publish = publishes.get(0);
    String publishId = publish.path("span_id").asText();
    assertEquals(topic, publish.path("description").asText());
    assertEquals(checkout.spanId(), publish.path("parent_span_id").asText());
    assertEquals("ok", publish.path("status").asText());
    assertEquals("kafka", publish.path("data").path("messaging.system").asText());
    assertEquals(topic, publish.path("data").path("messaging.destination.name").asText());
    assertEquals("0", publish.path("data").path("messaging.destination.partition.id").asText());
    assertEquals(record.offset(), publish.path("data").path("messaging.kafka.offset").asLong());
    assertEquals(2, publish.path("data").path("messaging.message.body.size").asInt());

    assertEquals(checkout.traceId() + "-" + publishId + "-1", header(record, "sentry-trace"));
    assertTrue(header(record, "traceparent").startsWith("00-" + checkout.traceId() + "-" + publishId + "-"),
        header(record, "traceparent"));
    assertTrue(header(record, "baggage").contains("sentry-trace_id=" + checkout.traceId()),
        header(record, "baggage"));

    JsonNode b = sentByB.awaitTransaction(t -> "queue.process".equals(Traces.operationOf(t)));
    assertEquals(checkout.traceId(), Traces.traceIdOf(b), "one trace across the topic");
    assertEquals(publishId, Traces.parentSpanIdOf(b), "parented to the producer's span");
    assertEquals(topic, b.path("transaction").asText());
    assertEquals("task", Traces.sourceOf(b));
    assertEquals("ok", Traces.statusOf(b));
    JsonNode data = b.path("contexts").path("trace").path("data");
    assertEquals(topic, data.path("messaging.destination.name").asText());
    assertEquals(record.offset(), data.path("messaging.kafka.offset").asLong());
    long latency = data.path("messaging.message.receive.latency").asLong(-1);
    assertTrue(latency >= 150 && latency < 20_000, "queue wait in ms: " + latency);
    JsonNode db = Traces.spans(b, "db.query").get(0);
    assertEquals(Traces.spanIdOf(b), db.path("parent_span_id").asText(), "current while handled");
  }

  @Test
  void headersNameTheSpanCurrentAtSendNotAtCreation() throws Exception {
    Transaction atCreation = serviceA.startTransaction("startup", "task");
    Producer<String, String> producer;
    try (Scope s = atCreation.makeCurrent()) {
      producer = TracingProducer.create(plainProducer(), serviceA);
    } finally {
      atCreation.finish();
    }
    Transaction first = serviceA.startTransaction("first", "task");
    try (Scope s = first.makeCurrent()) {
      producer.send(new ProducerRecord<>(topic, "a")).get(10, TimeUnit.SECONDS);
    } finally {
      first.finish();
    }
    Transaction second = serviceA.startTransaction("second", "task");
    ProducerRecord<String, String> mine = new ProducerRecord<>(topic, "b");
    try (Scope s = second.makeCurrent()) {
      producer.send(mine).get(10, TimeUnit.SECONDS);
    } finally {
      second.finish();
    }
    producer.send(new ProducerRecord<>(topic, "no span")).get(10, TimeUnit.SECONDS);

    List<ConsumerRecord<String, String>> records = consume(3);
    assertTrue(header(records.get(0), "sentry-trace").startsWith(first.traceId() + "-"));
    assertTrue(header(records.get(1), "sentry-trace").startsWith(second.traceId() + "-"));
    assertNull(header(records.get(2), "sentry-trace"), "no current span: sent unchanged");
    assertNull(mine.headers().lastHeader("sentry-trace"), "the caller's record is not changed");
    assertTrue(Traces.spans(sentByA.awaitTransactionOfSpan(atCreation.spanId()), "queue.publish")
        .isEmpty());
  }

  @Test
  void recordsWithoutReadableHeadersStartNewTraces() throws Exception {
    KafkaProducer<String, String> plain = plainProducer();
    plain.send(new ProducerRecord<>(topic, "no headers")).get(10, TimeUnit.SECONDS);
    ProducerRecord<String, String> garbage = new ProducerRecord<>(topic, "garbage headers");
    garbage.headers().add("sentry-trace", "not-a-trace".getBytes(StandardCharsets.UTF_8));
    garbage.headers().add("traceparent", new byte[] {(byte) 0xff, 0, (byte) 0xfe});
    garbage.headers().add("baggage", null);
    plain.send(garbage).get(10, TimeUnit.SECONDS);

    for (ConsumerRecord<String, String> record : consume(2)) {
      TracingConsumer.process(record, serviceB, r -> { });
    }

    List<JsonNode> txs = sentByB.awaitTransactions(2);
    for (JsonNode tx : txs) {
      assertNull(Traces.parentSpanIdOf(tx), "a new trace: " + tx);
      assertEquals("ok", Traces.statusOf(tx));
      assertEquals("queue.process", Traces.operationOf(tx));
    }
    assertNotEquals(Traces.traceIdOf(txs.get(0)), Traces.traceIdOf(txs.get(1)));
  }

  @Test
  void aFailedSendFinishesTheSpanWithTheError() throws Exception {
    Producer<String, String> producer = TracingProducer.create(plainProducer(), serviceA);
    CompletableFuture<Exception> seenByCaller = new CompletableFuture<>();
    String tooLarge = "x".repeat(2 * 1024 * 1024); // over the producer's max.request.size
    Transaction tx = serviceA.startTransaction("big", "task");
    ExecutionException failed;
    try (Scope s = tx.makeCurrent()) {
      failed = assertThrows(ExecutionException.class, () -> producer.send(
          new ProducerRecord<>(topic, tooLarge), (m, e) -> seenByCaller.complete(e)).get());
    } finally {
      tx.finish();
    }
    assertInstanceOf(RecordTooLargeException.class, failed.getCause());
    assertInstanceOf(RecordTooLargeException.class, seenByCaller.get(10, TimeUnit.SECONDS),
        "the caller's callback still runs");

    JsonNode publish = Traces.spans(sentByA.awaitTransactionOfSpan(tx.spanId()), "queue.publish").get(0);
    assertEquals("internal_error", publish.path("status").asText());
  }

  @Test
  void aFailingHandlerFailsTheTransactionAndIsRethrown() {
    ConsumerRecord<String, String> record = new ConsumerRecord<>("t", 0, 7L, "k", "v");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
        TracingConsumer.process(record, serviceB, r -> {
          throw new IllegalStateException("bad order");
        }));
    assertEquals("bad order", thrown.getMessage());
    JsonNode tx = sentByB.awaitTransactions(1).get(0);
    assertEquals("internal_error", Traces.statusOf(tx));
    assertNotNull(tx.path("contexts").path("trace").path("data").get("messaging.kafka.offset"));
    assertTrue(tx.path("contexts").path("trace").path("data")
        .path("messaging.message.receive.latency").isMissingNode(), "no timestamp, no latency");
  }
}
