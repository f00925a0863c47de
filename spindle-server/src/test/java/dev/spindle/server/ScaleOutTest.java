package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.clickhouse.ClickHouseStorage;
import dev.spindle.storage.clickhouse.LocalClickHouse;
import dev.spindle.testsupport.KafkaTestBroker;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out end to end: a real Kafka broker, ClickHouse, two ingest nodes and a query node (in
 * this JVM) and a writer node (a child JVM). Clients send real Sentry envelopes to both ingest
 * nodes; the writer is killed with SIGKILL mid-stream while ingestion goes on, then restarted:
 * every acknowledged transaction must be readable through the query node exactly once, and the
 * client report each envelope carries counted once. Then a writer of a fresh consumer group
 * replays the whole topic, and still nothing is doubled.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class ScaleOutTest {
  private static final int CHILD_SPANS = 5;
  private static final String NAME = "GET /scale";
  private static final int MAX_TRACES = 900;
  /** A client report item appended to each envelope: one transaction dropped by sampling. */
  private static final String REPORT = clientReport();

  private static String clientReport() {
    String payload = "{\"discarded_events\":[{\"reason\":\"sample_rate\",\"category\":\"transaction\",\"quantity\":1}]}";
    return "{\"type\":\"client_report\",\"length\":" + payload.length() + "}\n" + payload + "\n";
  }

  @TempDir Path dir;

  private Process startWriter(String clickhouse, String db, String kafka, String group) throws Exception {
    return ChildServer.start(dir.resolve("writer-stderr-" + System.nanoTime() + ".log"),
        "--role", "writer", "--port", "0", "--data", dir.resolve("writer").toString(),
        "--storage", "clickhouse", "--clickhouse-url", clickhouse, "--clickhouse-database", db,
        "--kafka-bootstrap", kafka, "--kafka-partitions", "4", "--kafka-group", group).process();
  }

  /** A node of {@code role} in this JVM on database {@code db}; {@code kafka} null for a query node. */
  static SpindleServer node(Role role, String clickhouse, String db, String kafka) {
    SpindleServer.Builder b = SpindleServer.builder().port(0).role(role)
        .storage(ClickHouseStorage.builder(clickhouse).database(db).open())
        .out(new PrintStream(new java.io.ByteArrayOutputStream(), true));
    if (kafka != null) b.batchQueue("kafka", Map.of("bootstrap", kafka, "partitions", "4", "replication-factor", "1"));
    return b.start();
  }

  /** Trace id → span count of the stored transactions named {@link #NAME}, as the query API sees them. */
  private static Map<String, JsonNode> stored(SpindleServer query, String token) throws Exception {
    String q = URLEncoder.encode("transaction:\"" + NAME + "\"", StandardCharsets.UTF_8);
    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(query.url()
        + "/api/v1/traces?statsPeriod=1h&limit=1000&query=" + q)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode t : TestServer.json(r.body()).get("data")) out.put(t.get("traceId").asText(), t);
    return out;
  }

  @Test
  void acknowledgedTransactionsSurviveAWriterKilledMidStreamExactlyOnce() throws Exception {
    String clickhouse = LocalClickHouse.url();
    String db = "spindle_scale_" + Long.toHexString(System.nanoTime());
    List<AutoCloseable> closeLast = new ArrayList<>();
    try (KafkaTestBroker kafka = KafkaTestBroker.start(dir.resolve("kafka"))) {
      SpindleServer query = node(Role.QUERY, clickhouse, db, null);
      closeLast.add(query);
      String key = TestServer.publicKey(query.bootstrap().dsn());
      String token = query.bootstrap().apiToken();
      SpindleServer ingestA = node(Role.INGEST, clickhouse, db, kafka.bootstrap);
      closeLast.add(ingestA);
      SpindleServer ingestB = node(Role.INGEST, clickhouse, db, kafka.bootstrap);
      closeLast.add(ingestB);
      Process writer = startWriter(clickhouse, db, kafka.bootstrap, "spindle-writers");

      Set<String> acked = ConcurrentHashMap.newKeySet();
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      int threads = 4;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        String url = (t % 2 == 0 ? ingestA : ingestB).url();
        pool.execute(() -> {
          // At most MAX_TRACES acknowledged, so one search page (limit 1000) shows them all.
          while (!stop.get() && acked.size() < MAX_TRACES) {
            String traceId = TestServer.hex(32);
            double now = TestServer.nowSec();
            String env = TestServer.transaction(traceId, TestServer.hex(32), TestServer.hex(16), null, NAME,
                now - 0.2, now, CHILD_SPANS) + REPORT;
            try {
              sent.incrementAndGet();
              HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/1/envelope/?sentry_key=" + key))
                  .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(env)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) acked.add(traceId);
              Thread.sleep(20);
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              // counted as not acknowledged
            }
          }
        });
      }

      // Mid-stream: the writer has stored some, ingestion keeps going.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && stored(query, token).size() < 100) Thread.sleep(200);
      assertTrue(stored(query, token).size() >= 100, "the writer stores what the ingest nodes acknowledge");
      writer.destroyForcibly(); // SIGKILL
      assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
      int atKill = acked.size();
      System.out.println("writer killed with " + atKill + " transactions acknowledged");
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && acked.size() < atKill + 100) Thread.sleep(100);
      assertTrue(acked.size() >= atKill + 100, "ingest nodes acknowledge while no writer runs (Kafka holds the rows)");

      long reports;
      Process restarted = startWriter(clickhouse, db, kafka.bootstrap, "spindle-writers");
      try {
        Thread.sleep(2000);
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        assertExactlyOnce(query, token, acked);
        System.out.println(acked.size() + " acknowledged transactions stored exactly once after the restart");
        reports = awaitReports(query, token, acked.size());
        // An envelope answered with an error may still have been stored, with its report.
        assertTrue(reports <= sent.get(), reports + " client reports counted for " + sent.get() + " envelopes sent");
      } finally {
        restarted.destroy();
        restarted.waitFor(30, TimeUnit.SECONDS);
        if (restarted.isAlive()) restarted.destroyForcibly();
      }

      // A writer of a new consumer group replays the whole topic: still exactly once.
      Process replay = startWriter(clickhouse, db, kafka.bootstrap, "spindle-replay");
      try {
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !caughtUp(kafka.bootstrap, "spindle-replay")) Thread.sleep(250);
        assertTrue(caughtUp(kafka.bootstrap, "spindle-replay"), "the replaying writer wrote and committed the whole topic");
        assertExactlyOnce(query, token, acked);
        assertEquals(reports, sampled(query, token), "client reports of the replayed topic counted once");
      } finally {
        replay.destroy();
        replay.waitFor(30, TimeUnit.SECONDS);
        if (replay.isAlive()) replay.destroyForcibly();
      }
    } finally {
      for (AutoCloseable c : closeLast) c.close();
      ClickHouseStorage.builder(clickhouse).database(db).open().dropAll();
    }
  }

  /** Whether the group committed offsets at the end of every partition of the topic. */
  private static boolean caughtUp(String bootstrap, String group) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 4; p++) latest.put(new TopicPartition("spindle-rows", p), OffsetSpec.latest());
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
        if (e.getValue().offset() == 0) continue;
        OffsetAndMetadata c = committed.get(e.getKey());
        if (c == null || c.offset() < e.getValue().offset()) return false;
      }
      return true;
    }
  }

  private static void assertExactlyOnce(SpindleServer query, String token, Set<String> acked) throws Exception {
    Map<String, JsonNode> found = Map.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      found = stored(query, token);
      if (found.keySet().containsAll(acked)) break;
      Thread.sleep(250);
    }
    Map<String, JsonNode> f = found;
    List<String> lost = acked.stream().filter(id -> !f.containsKey(id)).toList();
    assertEquals(List.of(), lost, "acknowledged but missing (" + acked.size() + " acknowledged)");
    for (Map.Entry<String, JsonNode> e : found.entrySet()) {
      assertEquals(1 + CHILD_SPANS, e.getValue().get("spanCount").asLong(), "spans of " + e.getKey());
      assertEquals(1, e.getValue().get("transactionCount").asLong(), "transactions of " + e.getKey());
    }
  }

  /** Waits until at least {@code n} client reports are counted; returns the count. */
  private static long awaitReports(SpindleServer query, String token, long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long found = sampled(query, token);
    while (System.nanoTime() < deadline && found < n) {
      Thread.sleep(250);
      found = sampled(query, token);
    }
    assertTrue(found >= n, found + " client reports counted, " + n + " acknowledged");
    return found;
  }

  /** Transactions dropped by sampling, as the outcomes endpoint counts them. */
  private static long sampled(SpindleServer query, String token) throws Exception {
    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(query.url()
        + "/api/v1/outcomes?statsPeriod=1h")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    long n = 0;
    for (JsonNode o : TestServer.json(r.body()).get("data")) {
      if (o.get("reason").asText().equals("sample_rate")) n += o.get("quantity").asLong();
    }
    return n;
  }
}
