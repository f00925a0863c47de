package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transaction-name clustering end to end: a Sentry-style sender names transactions by raw URL
 * ({@code transaction_info.source = url}); the transactions API (the Performance list) groups
 * them, and the learned rules are in the project settings API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionNameClusteringTest {
  @TempDir static Path dir;
  TestServer ts;

  @BeforeAll
  void start() {
    ts = new TestServer(dir);
  }

  @AfterAll
  void stop() {
    if (ts != null) ts.close();
  }

  private void send(String name, String source) {
    double now = TestServer.nowSec();
    String env = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null, name,
        now - 0.05, now, 1).replaceFirst(",\"length\":\\d+", "")
        .replace("\"source\":\"route\"", "\"source\":\"" + source + "\"");
    HttpResponse<String> r = ts.postEnvelope(env);
    assertEquals(200, r.statusCode(), r.body());
  }

  /** The Performance list's rows whose name starts with {@code prefix}: name to count. */
  private Map<String, Long> rows(String prefix) {
    Map<String, Long> out = new HashMap<>();
    for (JsonNode row : ts.getJson("/api/v1/transactions?project=1&statsPeriod=1h&limit=10000").get("data")) {
      String name = row.get("transaction").asText();
      if (name.startsWith(prefix)) out.put(name, row.get("count").asLong());
    }
    return out;
  }

  /** Sends {@code n} transactions from 16 threads, as many SDK clients would (and in seconds). */
  private static void sendAll(int n, IntConsumer send) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int id = i;
        sent.add(pool.submit(() -> send.accept(id)));
      }
      for (Future<?> f : sent) f.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fiveHundredIdsAreOnePerformanceRow() throws Exception {
    sendAll(500, i -> {
      String id = switch (i % 3) {
        case 0 -> Integer.toString(100_000 + i);
        case 1 -> UUID.randomUUID().toString();
        default -> TestServer.hex(32);
      };
      send("GET /api/orders/" + id + "/items", "url");
    });
    assertEquals(Map.of("GET /api/orders/*/items", 500L), rows("GET /api/orders/"));
  }

  @Test
  void highCardinalitySlugsAreLearnedAndTheRuleIsInTheProjectSettings() throws Exception {
    String rule = "/shop/products/*/**";
    sendAll(200, i -> {
      send("GET /shop/products/" + slug(i) + "-lamp", "url");
      if (i < 20) send("GET /shop/" + slug(i), "route"); // routes are never rewritten
    });
    send("GET /shop/cart", "url");
    Map<String, Long> rows = rows("GET /shop/products/");
    // Names stored before the rule was learned keep their name: the first 100 (in any order), one row each.
    assertEquals(100L, rows.get("GET /shop/products/*"), rows.toString());
    assertEquals(101, rows.size());
    assertEquals(20, rows("GET /shop/").keySet().stream().filter(n -> !n.startsWith("GET /shop/products/")
        && !n.equals("GET /shop/cart")).count(), "route-sourced names kept");
    assertEquals(Map.of("GET /shop/cart", 1L), rows("GET /shop/cart"));

    JsonNode rules = ts.getJson("/api/v1/projects/1/transaction-name-rules").get("data");
    assertEquals(1, rules.size(), rules.toString());
    assertEquals(rule, rules.get(0).get("pattern").asText());
    assertTrue(rules.get(0).get("createdUs").asLong() > 0);

    String reader = TestServer.json(AccessTest.send(ts, ts.token, "POST", "/api/v1/tokens",
        "{\"name\":\"viewer\",\"scope\":\"read\",\"projects\":[1]}").body()).get("token").asText();
    String path = "/api/v1/projects/1/transaction-name-rules";
    assertEquals(200, AccessTest.send(ts, reader, "GET", path, null).statusCode(), "a read token reads them");
    String delete = path + "?pattern=" + URLEncoder.encode(rule, StandardCharsets.UTF_8);
    AccessTest.assertRefused(AccessTest.send(ts, reader, "DELETE", delete, null), 403, "read-only");
    AccessTest.assertRefused(AccessTest.send(ts, ts.token, "DELETE", path, null), 400, "pattern: required");
    AccessTest.assertRefused(AccessTest.send(ts, ts.token, "GET", "/api/v1/projects/42/transaction-name-rules", null),
        404, "project 42 not found");
    assertEquals(204, AccessTest.send(ts, ts.token, "DELETE", delete, null).statusCode());
    assertEquals(0, ts.getJson(path).get("data").size());
    AccessTest.assertRefused(AccessTest.send(ts, ts.token, "DELETE", delete, null), 404, "no transaction-name rule");
  }

  /** A letters-only slug, distinct for each i below 26^3. */
  private static String slug(int i) {
    return "" + (char) ('a' + i % 26) + (char) ('a' + i / 26 % 26) + (char) ('a' + i / 676);
  }
}
