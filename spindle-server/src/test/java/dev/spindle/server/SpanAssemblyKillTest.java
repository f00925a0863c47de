package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Span assembly survives a SIGKILL: spans acknowledged while their segment root had not come yet
 * (remembered only in the killed process) are joined to it when it comes after the restart, and
 * roots acknowledged just before the kill still reach the spans sent before them; every span is
 * stored once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpanAssemblyKillTest {
  private static final int TRACES = 20;

  @TempDir Path dir;

  private ChildServer startChild(Path data) throws Exception {
    return ChildServer.start(dir.resolve("child-stderr-" + System.nanoTime() + ".log"),
        "--port", "0", "--data", data.toString());
  }

  /** One OTLP/JSON request holding one span, to the server at {@code url}. */
  static void send(String url, String key, String traceId, String spanId, String parentId,
      String name, int kind, long startNs, long endNs) throws Exception {
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
        + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"basket\"}},"
        + "{\"key\":\"service.version\",\"value\":{\"stringValue\":\"7\"}}]},\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\""
        + (parentId == null ? "" : ",\"parentSpanId\":\"" + parentId + "\"")
        + ",\"name\":\"" + name + "\",\"kind\":" + kind + ",\"startTimeUnixNano\":\"" + startNs
        + "\",\"endTimeUnixNano\":\"" + endNs + "\"}]}]}]}";
    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(
            URI.create(url + "/api/1/integration/otlp/v1/traces?sentry_key=" + key))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void spansWaitingForTheirRootAcrossASigkillAreJoinedOnce() throws Exception {
    Path data = dir.resolve("data");
    ChildServer first = startChild(data);
    JsonNode boot = TestServer.json(Files.readString(data.resolve("bootstrap.json")));
    String key = TestServer.publicKey(boot.get("dsn").asText());
    String token = boot.get("apiToken").asText();

    long now = System.currentTimeMillis() * 1_000_000L;
    String[][] ids = new String[TRACES][];
    for (int i = 0; i < TRACES; i++) {
      ids[i] = new String[] {TestServer.hex(32), TestServer.hex(16), TestServer.hex(16), TestServer.hex(16)};
      String[] t = ids[i];
      // As SimpleSpanProcessor exports: the deepest span first, each in its own request.
      send(first.url(), key, t[0], t[3], t[2], "SELECT basket", 3, now - 40_000_000, now - 30_000_000);
      send(first.url(), key, t[0], t[2], t[1], "load basket", 1, now - 45_000_000, now - 20_000_000);
      // Half of the roots come before the kill.
      if (i % 2 == 0) send(first.url(), key, t[0], t[1], null, "GET /basket", 2, now - 50_000_000, now - 10_000_000);
    }
    first.process().destroyForcibly(); // SIGKILL: half of the segments wait for their root
    assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));

    ChildServer second = startChild(data);
    try {
      for (int i = 1; i < TRACES; i += 2) {
        String[] t = ids[i];
        send(second.url(), key, t[0], t[1], null, "GET /basket", 2, now - 50_000_000, now - 10_000_000);
      }
      String path = "/api/v1/discover?dataset=spans&field=transaction&field=transaction.op&field=release&field=count()"
          + "&field=count_unique(span_id)&statsPeriod=1h&query=" + URLEncoder.encode("service:basket", StandardCharsets.UTF_8);
      HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(second.url() + path))
          .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      Map<String, String> groups = new HashMap<>();
      for (JsonNode row : TestServer.json(r.body()).get("data")) {
        groups.put(row.get("transaction").asText() + " " + row.get("transaction.op").asText() + " "
            + row.get("release").asText(),
            row.get("count()").asLong() + " spans, " + row.get("count_unique(span_id)").asLong() + " distinct");
      }
      assertEquals(Map.of("GET /basket http.server 7", (3 * TRACES) + " spans, " + (3 * TRACES) + " distinct"), groups);
    } finally {
      second.process().destroy();
      second.process().waitFor(30, TimeUnit.SECONDS);
      if (second.process().isAlive()) second.process().destroyForcibly();
    }
  }
}
