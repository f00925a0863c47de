package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngestionTest {
  @TempDir Path dir;
  TestServer s;

  @BeforeEach
  void start() {
    s = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void bootstrapFileIsOwnerOnlyAndHasTheDsn() throws Exception {
    Path f = dir.resolve("bootstrap.json");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    JsonNode b = TestServer.json(Files.readString(f));
    assertEquals(s.server.bootstrap().dsn(), b.get("dsn").asText());
    assertTrue(b.get("dsn").asText().matches("http://[0-9a-f]{32}@127\\.0\\.0\\.1:" + s.server.port() + "/1"));
    assertEquals(s.token, b.get("apiToken").asText());
    // Only the hash is stored.
    assertFalse(s.server.storage().metadata().tokens().get(0).sha256Hex().contains(s.token));
  }

  @Test
  void transactionRoundTripsThroughTheTraceApi() {
    String traceId = TestServer.hex(32);
    String eventId = TestServer.hex(32);
    String root = TestServer.hex(16);
    double now = TestServer.nowSec();
    HttpResponse<String> r = s.postEnvelope(TestServer.transaction(traceId, eventId, root, null,
        "GET /orders/{id}", now - 1, now, 3));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(eventId, TestServer.json(r.body()).get("id").asText());

    JsonNode t = s.getJson("/api/v1/traces/" + traceId);
    assertEquals(traceId, t.get("traceId").asText());
    JsonNode tx = t.get("transactions").get(0);
    assertEquals(eventId, tx.get("eventId").asText());
    assertEquals(1, tx.get("projectId").asLong());
    assertEquals("GET /orders/{id}", tx.get("name").asText());
    assertEquals("http.server", tx.get("op").asText());
    assertEquals("ok", tx.get("status").asText());
    assertEquals(root, tx.get("spanId").asText());
    assertTrue(tx.get("parentSpanId").isNull());
    assertEquals(now - 1, tx.get("startTimestamp").asDouble(), 1e-5);
    assertEquals(now, tx.get("timestamp").asDouble(), 1e-5);
    assertFalse(tx.get("orphan").asBoolean());
    assertTrue(tx.get("skewAdjustedMs").isNull());
    assertEquals(3, tx.get("spans").size());
    JsonNode span = tx.get("spans").get(0);
    for (String f : List.of("spanId", "parentSpanId", "op", "description", "status", "startTimestamp", "timestamp", "tags", "data")) {
      assertTrue(span.has(f), f);
    }
    assertEquals(root, span.get("parentSpanId").asText());
    assertTrue(t.get("errors").isArray());

    assertEquals(404, s.get("/api/v1/traces/" + TestServer.hex(32)).statusCode());
  }

  @Test
  void spanDataAndOriginAreShownFlat() {
    String traceId = TestServer.hex(32);
    String root = TestServer.hex(16);
    String child = TestServer.hex(16);
    double now = TestServer.nowSec();
    String env = "{\"event_id\":\"" + TestServer.hex(32) + "\"}\n{\"type\":\"transaction\"}\n"
        + "{\"type\":\"transaction\",\"transaction\":\"GET /data\",\"start_timestamp\":" + (now - 1)
        + ",\"timestamp\":" + now + ",\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId
        + "\",\"span_id\":\"" + root + "\",\"op\":\"http.server\",\"origin\":\"auto.http.servlet\","
        + "\"data\":{\"http.route\":\"/data\"}}},\"measurements\":{\"ttfb\":{\"value\":12,\"unit\":\"millisecond\"}},"
        + "\"spans\":[{\"span_id\":\"" + child + "\",\"parent_span_id\":\"" + root + "\",\"trace_id\":\""
        + traceId + "\",\"op\":\"db.query\",\"start_timestamp\":" + (now - 0.5) + ",\"timestamp\":" + now
        + ",\"origin\":\"auto.db.jdbc\",\"data\":{\"db.system\":\"h2\"}}]}\n";
    assertEquals(200, s.postEnvelope(env).statusCode());
    JsonNode tx = s.getJson("/api/v1/traces/" + traceId).get("transactions").get(0);
    assertEquals("/data", tx.at("/data/http.route").asText());
    assertEquals("auto.http.servlet", tx.get("origin").asText());
    assertEquals(12, tx.at("/measurements/ttfb/value").asInt());
    JsonNode span = tx.get("spans").get(0);
    assertEquals("h2", span.at("/data/db.system").asText());
    assertFalse(span.get("data").has("data"), "data is not nested: " + span);
    assertEquals("auto.db.jdbc", span.get("origin").asText());
  }

  @Test
  void sampleRateFromTheDscExtrapolates() {
    double now = TestServer.nowSec();
    String env = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null,
        "GET /sampled", now - 0.1, now, 0)
        .replaceFirst("\\{\"event_id\"", "{\"trace\":{\"sample_rate\":\"0.25\",\"public_key\":\"k\"},\"event_id\"");
    assertEquals(200, s.postEnvelope(env).statusCode());
    JsonNode row = s.getJson("/api/v1/transactions?query=transaction:%22GET%20/sampled%22").get("data").get(0);
    assertEquals(1, row.get("count").asLong());
    assertEquals(4.0, row.get("estimatedCount").asDouble(), 1e-9);
  }

  @Test
  void orphanAndClockSkew() {
    String traceId = TestServer.hex(32);
    double now = TestServer.nowSec();
    String rootSpan = TestServer.hex(16);
    // The parent transaction: its child span (the http.client call) is what the child transaction hangs from.
    String clientSpan = TestServer.hex(16);
    String parentTx = "{\"event_id\":\"" + TestServer.hex(32) + "\"}\n{\"type\":\"transaction\"}\n"
        + "{\"event_id\":\"" + TestServer.hex(32) + "\",\"transaction\":\"front\",\"start_timestamp\":" + (now - 10)
        + ",\"timestamp\":" + now + ",\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId + "\",\"span_id\":\""
        + rootSpan + "\"}},\"spans\":[{\"span_id\":\"" + clientSpan + "\",\"parent_span_id\":\"" + rootSpan
        + "\",\"op\":\"http.client\",\"start_timestamp\":" + (now - 8) + ",\"timestamp\":" + (now - 4) + "}]}\n";
    assertEquals(200, s.postEnvelope(parentTx).statusCode());
    // The child's clock is 3 s behind: it appears to start 1 s before the client span.
    String childEvent = TestServer.hex(32);
    assertEquals(200, s.postEnvelope(TestServer.transaction(traceId, childEvent, TestServer.hex(16), clientSpan,
        "back", now - 9, now - 7, 1)).statusCode());
    // An orphan: its parent never arrived.
    String orphanEvent = TestServer.hex(32);
    assertEquals(200, s.postEnvelope(TestServer.transaction(traceId, orphanEvent, TestServer.hex(16),
        TestServer.hex(16), "lost", now - 5, now - 4.5, 0)).statusCode());

    JsonNode txs = s.getJson("/api/v1/traces/" + traceId).get("transactions");
    assertEquals(3, txs.size());
    JsonNode child = find(txs, childEvent);
    assertEquals(1000.0, child.get("skewAdjustedMs").asDouble(), 0.01);
    assertEquals(now - 8, child.get("startTimestamp").asDouble(), 1e-5);
    assertEquals(now - 8 + 0.001, child.get("spans").get(0).get("startTimestamp").asDouble(), 1e-5);
    assertFalse(child.get("orphan").asBoolean());
    JsonNode orphan = find(txs, orphanEvent);
    assertTrue(orphan.get("orphan").asBoolean());
    assertTrue(orphan.get("skewAdjustedMs").isNull());
  }

  private static JsonNode find(JsonNode txs, String eventId) {
    for (JsonNode t : txs) if (t.get("eventId").asText().equals(eventId)) return t;
    throw new AssertionError(eventId + " not in " + txs);
  }

  @Test
  void gzipDeflateAndChunkedBodies() throws Exception {
    double now = TestServer.nowSec();
    String t1 = TestServer.hex(32);
    byte[] e1 = TestServer.transaction(t1, TestServer.hex(32), TestServer.hex(16), null, "gz", now - 1, now, 1)
        .getBytes(StandardCharsets.UTF_8);
    assertEquals(200, s.postEnvelope(1, TestServer.gzip(e1), "sentry_key=" + s.key, "gzip").statusCode());

    String t2 = TestServer.hex(32);
    byte[] e2 = TestServer.transaction(t2, TestServer.hex(32), TestServer.hex(16), null, "df", now - 1, now, 1)
        .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
      d.write(e2);
    }
    assertEquals(200, s.postEnvelope(1, out.toByteArray(), "sentry_key=" + s.key, "deflate").statusCode());

    String t3 = TestServer.hex(32);
    byte[] e3 = TestServer.transaction(t3, TestServer.hex(32), TestServer.hex(16), null, "chunked", now - 1, now, 1)
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/1/envelope/"))
        .header("X-Sentry-Auth", "Sentry sentry_version=7, sentry_client=test/1.0, sentry_key=" + s.key)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(e3))));
    assertEquals(200, r.statusCode(), r.body());

    String t4 = TestServer.hex(32);
    byte[] e4 = TestServer.transaction(t4, TestServer.hex(32), TestServer.hex(16), null, "zstd", now - 1, now, 1)
        .getBytes(StandardCharsets.UTF_8);
    assertEquals(200, s.postEnvelope(1, com.github.luben.zstd.Zstd.compress(e4), "sentry_key=" + s.key, "zstd").statusCode());

    com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
    String t5 = TestServer.hex(32);
    byte[] e5 = TestServer.transaction(t5, TestServer.hex(32), TestServer.hex(16), null, "br", now - 1, now, 1)
        .getBytes(StandardCharsets.UTF_8);
    assertEquals(200, s.postEnvelope(1, com.aayushatharva.brotli4j.encoder.Encoder.compress(e5), "sentry_key=" + s.key, "br").statusCode());

    for (String t : List.of(t1, t2, t3, t4, t5)) {
      assertEquals(1, s.getJson("/api/v1/traces/" + t).get("transactions").size(), t);
    }
  }

  @Test
  void dsnHeaderAuthenticates() {
    double now = TestServer.nowSec();
    String traceId = TestServer.hex(32);
    String env = TestServer.transaction(traceId, TestServer.hex(32), TestServer.hex(16), null, "dsn", now - 1, now, 0);
    String withDsn = env.replaceFirst("\\{\"event_id\"", "{\"dsn\":\"" + s.server.bootstrap().dsn() + "\",\"event_id\"");
    HttpResponse<String> r = s.postEnvelope(1, withDsn.getBytes(StandardCharsets.UTF_8), null, null);
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void errorsClientReportsSpansAndUnknownItems() {
    String traceId = TestServer.hex(32);
    String spanId = TestServer.hex(16);
    String errorId = TestServer.hex(32);
    double now = TestServer.nowSec();
    String env = "{}\n"
        + "{\"type\":\"event\"}\n{\"event_id\":\"" + errorId + "\",\"level\":\"error\",\"timestamp\":" + now
        + ",\"exception\":{\"values\":[{\"type\":\"IllegalStateException\",\"value\":\"card 4111 1111 1111 1111 declined\"}]},"
        + "\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + spanId + "\"}}}\n"
        + "{\"type\":\"client_report\"}\n{\"timestamp\":" + now + ",\"discarded_events\":[{\"reason\":\"sample_rate\","
        + "\"category\":\"transaction\",\"quantity\":5}]}\n"
        + "{\"type\":\"mystery_item\",\"length\":3}\nabc\n"
        + "{\"type\":\"span\"}\n{\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + spanId + "\",\"op\":\"task\","
        + "\"description\":\"standalone\",\"start_timestamp\":" + (now - 1) + ",\"timestamp\":" + now + "}\n";
    HttpResponse<String> r = s.postEnvelope(env);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(errorId, TestServer.json(r.body()).get("id").asText());

    JsonNode t = s.getJson("/api/v1/traces/" + traceId);
    JsonNode err = t.get("errors").get(0);
    assertEquals(errorId, err.get("eventId").asText());
    assertEquals(spanId, err.get("spanId").asText());
    assertEquals("card [Filtered] declined", err.get("message").asText());
    assertEquals(1, t.get("transactions").size(), "a standalone span without parent is a segment");

    List<Outcome> outcomes = s.server.storage().outcomes().outcomes(1L, 0, Long.MAX_VALUE);
    assertTrue(outcomes.contains(new Outcome(1, "sample_rate", "transaction", 5)), outcomes.toString());
  }

  @Test
  void invalidChildSpansAreDroppedAndCounted() {
    String traceId = TestServer.hex(32);
    String root = TestServer.hex(16);
    double now = TestServer.nowSec();
    String payload = "{\"event_id\":\"" + TestServer.hex(32) + "\",\"transaction\":\"t\",\"start_timestamp\":\""
        + java.time.Instant.ofEpochMilli((long) ((now - 1) * 1000)) + "\",\"timestamp\":" + now
        + ",\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + root + "\"}},\"spans\":["
        + "{\"span_id\":\"" + TestServer.hex(16) + "\",\"start_timestamp\":" + now + ",\"timestamp\":" + (now - 0.5) + "},"
        + "{\"span_id\":\"nothex\",\"start_timestamp\":" + (now - 1) + ",\"timestamp\":" + now + "},"
        + "{\"span_id\":\"" + TestServer.hex(16) + "\",\"start_timestamp\":" + (now - 1) + ",\"timestamp\":" + now + "}]}";
    assertEquals(200, s.postEnvelope("{}\n{\"type\":\"transaction\"}\n" + payload + "\n").statusCode());
    JsonNode tx = s.getJson("/api/v1/traces/" + traceId).get("transactions").get(0);
    assertEquals(1, tx.get("spans").size());
    assertEquals(now - 1, tx.get("startTimestamp").asDouble(), 0.002, "RFC 3339 start");
    List<Outcome> o = s.server.storage().outcomes().outcomes(1L, 0, Long.MAX_VALUE);
    assertTrue(o.contains(new Outcome(1, "invalid_timestamps", "span", 1)), o.toString());
    assertTrue(o.contains(new Outcome(1, "invalid_id", "span", 1)), o.toString());
  }

  @Test
  void urlNamesAreSanitizedAndPiiScrubbedUnlessSwitchedOff() {
    double now = TestServer.nowSec();
    String traceId = TestServer.hex(32);
    String payload = "{\"event_id\":\"" + TestServer.hex(32) + "\",\"transaction\":\"GET /users/12345/orders/"
        + "3f2504e0-4f89-11d3-9a0c-0305e82c3301\",\"transaction_info\":{\"source\":\"url\"},\"start_timestamp\":"
        + (now - 1) + ",\"timestamp\":" + now + ",\"tags\":{\"api_key\":\"abc\",\"plain\":\"Bearer xyz.abc\"},"
        + "\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + TestServer.hex(16) + "\"}}}";
    assertEquals(200, s.postEnvelope("{}\n{\"type\":\"transaction\"}\n" + payload + "\n").statusCode());
    JsonNode tx = s.getJson("/api/v1/traces/" + traceId).get("transactions").get(0);
    assertEquals("GET /users/*/orders/*", tx.get("name").asText());
    assertEquals("sanitized", tx.get("transactionSource").asText());
    assertEquals("[Filtered]", tx.get("tags").get("api_key").asText());
    assertEquals("Bearer [Filtered]", tx.get("tags").get("plain").asText());

    HttpResponse<String> off = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects/1"))
        .header("Authorization", "Bearer " + s.token)
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"scrubPii\":false}")));
    assertEquals(200, off.statusCode(), off.body());
    String trace2 = TestServer.hex(32);
    assertEquals(200, s.postEnvelope("{}\n{\"type\":\"transaction\"}\n" + payload.replace(traceId, trace2) + "\n").statusCode());
    assertEquals("abc", s.getJson("/api/v1/traces/" + trace2).get("transactions").get(0).get("tags").get("api_key").asText());
  }

  @Test
  void corsOnlyOnIngestion() {
    HttpResponse<String> pre = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/1/envelope/"))
        .header("Origin", "http://example.com").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertTrue(pre.statusCode() < 300, String.valueOf(pre.statusCode()));
    assertEquals("*", pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    HttpResponse<String> api = s.get("/api/v1/projects");
    assertEquals(200, api.statusCode());
    assertNull(api.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void adminApiCreatesListsAndRotates() {
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"shop\"}")));
    assertEquals(201, r.statusCode(), r.body());
    JsonNode p = TestServer.json(r.body());
    assertEquals(2, p.get("id").asLong());
    assertEquals("shop", p.get("name").asText());
    String dsn = p.get("dsn").asText();
    assertTrue(dsn.endsWith("/2"), dsn);
    JsonNode list = s.getJson("/api/v1/projects").get("data");
    assertEquals(2, list.size());

    HttpResponse<String> rot = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects/2/rotate-key"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, rot.statusCode(), rot.body());
    String newDsn = TestServer.json(rot.body()).get("dsn").asText();
    assertFalse(newDsn.equals(dsn));
    String oldKey = TestServer.publicKey(dsn);
    double now = TestServer.nowSec();
    byte[] env = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null, "x", now - 1, now, 0)
        .getBytes(StandardCharsets.UTF_8);
    assertEquals(401, s.postEnvelope(2, env, "sentry_key=" + oldKey, null).statusCode());
    assertEquals(200, s.postEnvelope(2, env, "sentry_key=" + TestServer.publicKey(newDsn), null).statusCode());
  }

  @Test
  void tokensThroughTheApi() {
    HttpResponse<String> c = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/tokens"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ui\"}")));
    assertEquals(201, c.statusCode(), c.body());
    JsonNode t = TestServer.json(c.body());
    String newToken = t.get("token").asText();
    assertTrue(newToken.startsWith("spd_"));
    HttpRequest.Builder withNew = HttpRequest.newBuilder(URI.create(s.base + "/api/v1/tokens"))
        .header("Authorization", "Bearer " + newToken).GET();
    JsonNode list = TestServer.json(s.send(withNew).body()).get("data");
    assertEquals(2, list.size());
    assertFalse(list.toString().contains(newToken), "tokens are never listed");
    HttpResponse<String> revoke = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/tokens/" + t.get("id").asLong()))
        .header("Authorization", "Bearer " + s.token).DELETE());
    assertEquals(204, revoke.statusCode());
    HttpResponse<String> after = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/tokens"))
        .header("Authorization", "Bearer " + newToken).GET());
    assertEquals(401, after.statusCode(), "revoked at once");
  }

  @Test
  void transactionsSummaryAndTimeseries() {
    double now = TestServer.nowSec();
    double[] durations = {0.1, 0.2, 0.5, 1.5}; // satisfied, satisfied, tolerating, frustrated (T = 300 ms)
    for (int i = 0; i < 4; i++) {
      String env = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null,
          "GET /summary", now - durations[i], now, 0);
      if (i == 0) {
        env = env.replaceFirst(",\"length\":\\d+", "").replace("\"status\":\"ok\"", "\"status\":\"internal_error\"");
      }
      HttpResponse<String> r = s.postEnvelope(env);
      assertEquals(200, r.statusCode(), r.body());
    }
    JsonNode d = s.getJson("/api/v1/transactions?project=1&statsPeriod=24h&query=transaction:%22GET%20/summary%22").get("data");
    assertEquals(1, d.size());
    JsonNode row = d.get(0);
    assertEquals("GET /summary", row.get("transaction").asText());
    assertEquals(4, row.get("count").asLong());
    assertEquals(4.0, row.get("estimatedCount").asDouble(), 1e-9);
    assertEquals(0.25, row.get("failureRate").asDouble(), 1e-9);
    assertEquals((2 + 1 / 2.0) / 4, row.get("apdex").asDouble(), 1e-9);
    for (String f : List.of("tpm", "p50", "p75", "p95", "p99", "userMisery")) assertTrue(row.has(f), f);

    JsonNode ts = s.getJson("/api/v1/transactions/timeseries?statsPeriod=1h&interval=10m");
    assertEquals(600, ts.get("intervalSeconds").asLong());
    long total = 0;
    for (JsonNode b : ts.get("data")) total += b.get("count").asLong();
    assertEquals(4, total);

    JsonNode traces = s.getJson("/api/v1/traces?statsPeriod=1h&sort=-duration&limit=2").get("data");
    assertEquals(2, traces.size());
    assertEquals(1500.0, traces.get(0).get("durationMs").asDouble(), 1.0);
  }
}
