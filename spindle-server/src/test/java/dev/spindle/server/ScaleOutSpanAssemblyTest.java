package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.clickhouse.ClickHouseStorage;
import dev.spindle.storage.clickhouse.LocalClickHouse;
import dev.spindle.testsupport.KafkaTestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Span assembly in the scale-out roles: the spans of one segment sent one by one to two ingest
 * nodes (children first) are joined by the writer node, which Kafka's trace-id key gives the whole
 * trace, and the query node shows every span in its transaction.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScaleOutSpanAssemblyTest {
  @TempDir Path dir;

  private static SpindleServer node(Role role, String clickhouse, String db, String kafka) {
    SpindleServer.Builder b = SpindleServer.builder().port(0).role(role)
        .storage(ClickHouseStorage.builder(clickhouse).database(db).open())
        .out(new PrintStream(new ByteArrayOutputStream(), true));
    if (kafka != null) b.batchQueue("kafka", Map.of("bootstrap", kafka, "partitions", "2", "replication-factor", "1"));
    return b.start();
  }

  @Test
  void theWriterJoinsSpansThatCameThroughDifferentIngestNodes() throws Exception {
    String clickhouse = LocalClickHouse.url();
    String db = "spindle_assembly_" + Long.toHexString(System.nanoTime());
    List<AutoCloseable> nodes = new ArrayList<>();
    try (KafkaTestBroker kafka = KafkaTestBroker.start(dir.resolve("kafka"))) {
      SpindleServer query = node(Role.QUERY, clickhouse, db, null);
      nodes.add(query);
      String key = TestServer.publicKey(query.bootstrap().dsn());
      String token = query.bootstrap().apiToken();
      SpindleServer ingestA = node(Role.INGEST, clickhouse, db, kafka.bootstrap);
      nodes.add(ingestA);
      SpindleServer ingestB = node(Role.INGEST, clickhouse, db, kafka.bootstrap);
      nodes.add(ingestB);
      nodes.add(node(Role.WRITER, clickhouse, db, kafka.bootstrap));

      long now = System.currentTimeMillis() * 1_000_000L;
      String traceId = TestServer.hex(32);
      String root = TestServer.hex(16);
      String handler = TestServer.hex(16);
      SpanAssemblyKillTest.send(ingestA.url(), key, traceId, TestServer.hex(16), handler, "SELECT basket", 3,
          now - 40_000_000, now - 30_000_000);
      SpanAssemblyKillTest.send(ingestB.url(), key, traceId, handler, root, "load basket", 1,
          now - 45_000_000, now - 20_000_000);
      SpanAssemblyKillTest.send(ingestA.url(), key, traceId, root, null, "GET /basket", 2,
          now - 50_000_000, now - 10_000_000);

      String path = "/api/v1/discover?dataset=spans&field=transaction&field=release&field=count()&statsPeriod=1h"
          + "&query=" + URLEncoder.encode("trace:" + traceId, StandardCharsets.UTF_8);
      Map<String, Long> groups = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && !groups.equals(Map.of("GET /basket 7", 3L))) {
        Thread.sleep(200);
        HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(query.url() + path))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        groups.clear();
        for (JsonNode row : TestServer.json(r.body()).get("data")) {
          groups.put(row.get("transaction").asText() + " " + row.get("release").asText(), row.get("count()").asLong());
        }
      }
      assertEquals(Map.of("GET /basket 7", 3L), groups);
    } finally {
      for (AutoCloseable c : nodes) c.close();
      ClickHouseStorage.builder(clickhouse).database(db).open().dropAll();
    }
  }
}
