package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx means durable: the server runs in a child JVM, clients send envelopes concurrently, the
 * child is killed with SIGKILL mid-stream, restarted on the same data folder, and every
 * acknowledged transaction must be there with all its spans.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DurabilityTest {
  private static final int CHILD_SPANS = 5;

  @TempDir Path dir;

  private ChildServer startChild(Path data) throws Exception {
    return ChildServer.start(dir.resolve("child-stderr-" + System.nanoTime() + ".log"),
        "--port", "0", "--data", data.toString());
  }

  @Test
  void acknowledgedTransactionsSurviveSigkill() throws Exception {
    Path data = dir.resolve("data");
    ChildServer first = startChild(data);
    JsonNode boot = TestServer.json(Files.readString(data.resolve("bootstrap.json")));
    String key = TestServer.publicKey(boot.get("dsn").asText());
    String token = boot.get("apiToken").asText();

    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch enough = new CountDownLatch(200);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 100_000 && !stop.get(); i++) {
          String traceId = TestServer.hex(32);
          double now = TestServer.nowSec();
          String env = TestServer.transaction(traceId, TestServer.hex(32), TestServer.hex(16), null, "GET /durable",
              now - 0.5, now, CHILD_SPANS);
          try {
            HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(first.url() + "/api/1/envelope/?sentry_key=" + key))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(env)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              acked.add(traceId);
              enough.countDown();
            }
          } catch (Exception e) {
            failures.incrementAndGet();
            if (!first.process().isAlive()) return;
          }
        }
      });
    }
    assertTrue(enough.await(60, TimeUnit.SECONDS), "200 acknowledgements within 60 s (got " + acked.size() + ")");
    first.process().destroyForcibly(); // SIGKILL while the clients are still sending
    assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
    stop.set(true);
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    assertTrue(acked.size() >= 200);

    ChildServer second = startChild(data);
    try {
      Map<String, Long> spanCounts = new HashMap<>();
      HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(second.url()
          + "/api/v1/traces?statsPeriod=1h&limit=1000&query=transaction:%22GET%20/durable%22"))
          .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode list = TestServer.json(r.body()).get("data");
      for (JsonNode t : list) spanCounts.put(t.get("traceId").asText(), t.get("spanCount").asLong());
      if (list.size() == 1000) {
        // More were stored than one page holds: check the acknowledged ones one by one.
        for (String id : acked) {
          if (spanCounts.containsKey(id)) continue;
          HttpResponse<String> one = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(second.url() + "/api/v1/traces/" + id))
              .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
          if (one.statusCode() == 200) {
            spanCounts.put(id, 1L + TestServer.json(one.body()).get("transactions").get(0).get("spans").size());
          }
        }
      }
      List<String> lost = acked.stream().filter(id -> !spanCounts.containsKey(id)).toList();
      assertEquals(List.of(), lost, "acknowledged but lost after SIGKILL (" + acked.size() + " acknowledged)");
      for (String id : acked) assertEquals(1 + CHILD_SPANS, spanCounts.get(id), "spans of " + id);
    } finally {
      second.process().destroy();
      second.process().waitFor(30, TimeUnit.SECONDS);
      if (second.process().isAlive()) second.process().destroyForcibly();
    }
  }

}
