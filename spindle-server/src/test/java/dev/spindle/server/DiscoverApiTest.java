package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/discover} over HTTP, on transactions sent through the real envelope
 * endpoint. The data (read-only for every test):
 * <ul>
 *   <li>{@code GET /a}: 10 transactions of 100, 200 ... 1000 ms; status {@code internal_error}
 *       for the first two, {@code cancelled} for the third, else {@code ok}; environment
 *       {@code prod} for the first five, else {@code staging}; tag {@code region} {@code eu}
 *       (odd) or {@code us} (even); user {@code id:<i % 3>}; two {@code db.query} child spans each;
 *   <li>{@code GET /b}: 2 transactions of 2000 and 3000 ms, no environment, tag {@code a'b} =
 *       {@code it's} on one, no user, no child span.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiscoverApiTest {
  TestServer s;

  @BeforeAll
  void seed(@TempDir Path dir) {
    s = new TestServer(dir);
    double now = TestServer.nowSec();
    for (int i = 1; i <= 10; i++) {
      String status = i <= 2 ? "internal_error" : i == 3 ? "cancelled" : "ok";
      String tags = "{\"region\":\"" + (i % 2 == 1 ? "eu" : "us") + "\"}";
      send("GET /a", now - 60 - i, i * 0.1, status, i <= 5 ? "prod" : "staging", tags,
          "{\"id\":\"" + (i % 3) + "\"}", 2);
    }
    send("GET /b", now - 30, 2.0, "ok", null, "{\"a'b\":\"it's\"}", null, 0);
    send("GET /b", now - 20, 3.0, "ok", null, "{}", null, 0);
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private void send(String name, double endSec, double durationSec, String status, String env, String tags,
      String user, int children) {
    String traceId = TestServer.hex(32);
    String eventId = TestServer.hex(32);
    String root = TestServer.hex(16);
    double start = endSec - durationSec;
    StringBuilder spans = new StringBuilder();
    for (int i = 0; i < children; i++) {
      if (i > 0) spans.append(',');
      spans.append("{\"span_id\":\"").append(TestServer.hex(16)).append("\",\"parent_span_id\":\"").append(root)
          .append("\",\"trace_id\":\"").append(traceId).append("\",\"op\":\"db.query\",\"description\":\"SELECT ")
          .append(i).append("\",\"start_timestamp\":").append(start).append(",\"timestamp\":").append(start + 0.005)
          .append(",\"status\":\"ok\"}");
    }
    String payload = "{\"type\":\"transaction\",\"event_id\":\"" + eventId + "\",\"transaction\":\"" + name
        + "\",\"transaction_info\":{\"source\":\"route\"},\"start_timestamp\":" + start + ",\"timestamp\":" + endSec
        + ",\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + root
        + "\",\"op\":\"http.server\",\"status\":\"" + status + "\"}},\"spans\":[" + spans + "],\"tags\":" + tags
        + (env == null ? "" : ",\"environment\":\"" + env + "\"") + (user == null ? "" : ",\"user\":" + user)
        + ",\"release\":\"shop@1.0\",\"platform\":\"java\"}";
    String envelope = "{\"event_id\":\"" + eventId + "\"}\n{\"type\":\"transaction\",\"length\":"
        + payload.getBytes(StandardCharsets.UTF_8).length + "}\n" + payload + "\n";
    HttpResponse<String> r = s.postEnvelope(envelope);
    assertEquals(200, r.statusCode(), r.body());
  }

  /** The discover path for alternating parameter names and values (values are URL-encoded here). */
  private static String path(String... kv) {
    StringBuilder b = new StringBuilder("/api/v1/discover?");
    for (int i = 0; i < kv.length; i += 2) {
      if (i > 0) b.append('&');
      b.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  private JsonNode data(String... kv) {
    return s.getJson(path(kv)).get("data");
  }

  private long count(String query) {
    return data("field", "count()", "query", query).get(0).get("count()").asLong();
  }

  private List<String> transactions(String... kv) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : data(kv)) out.add(row.get("transaction").asText());
    return out;
  }

  private String badRequest(String... kv) {
    HttpResponse<String> r = s.get(path(kv));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return TestServer.json(r.body()).get("detail").asText();
  }

  @Test
  void traceVerdictFiltersTheRowsOfTracesWithThatFinding() {
    assertEquals(12, count("trace.verdict:complete"), "every seeded trace has its root and no gap");
    assertEquals(2, count("transaction:\"GET /b\" trace.verdict:complete"));
    assertEquals(0, count("trace.verdict:gap"));
    assertEquals(12, count("!trace.verdict:gap"));
    assertTrue(badRequest("field", "count()", "query", "trace.verdict:nope").contains("verdict"));
    assertTrue(badRequest("field", "count()", "query", "trace.verdict:gap !trace.verdict:lost").contains("verdict"));
  }

  @Test
  void groupByTransactionWithP95AndFailureRate() {
    JsonNode res = s.getJson(path("field", "transaction", "field", "count()", "field", "p95()",
        "field", "failure_rate()", "field", "apdex(300)", "field", "count_unique(user)", "field", "tpm()",
        "statsPeriod", "1h"));
    JsonNode data = res.get("data");
    assertEquals(2, data.size(), data.toString());
    JsonNode a = data.get(0);
    assertEquals("GET /a", a.get("transaction").asText());
    assertEquals(10, a.get("count()").asLong());
    assertEquals(955.0, a.get("p95()").asDouble(), 0.5);
    assertEquals(0.2, a.get("failure_rate()").asDouble(), 1e-9);
    assertEquals(0.65, a.get("apdex(300)").asDouble(), 1e-9);
    assertEquals(3, a.get("count_unique(user)").asLong());
    assertEquals(10 / 60.0, a.get("tpm()").asDouble(), 1e-3);
    JsonNode b = data.get(1);
    assertEquals("GET /b", b.get("transaction").asText());
    assertEquals(2, b.get("count()").asLong());
    assertEquals(0, b.get("count_unique(user)").asLong());

    JsonNode fields = res.get("meta").get("fields");
    assertEquals("string", fields.get("transaction").asText());
    assertEquals("integer", fields.get("count()").asText());
    assertEquals("duration", fields.get("p95()").asText());
    assertEquals("percentage", fields.get("failure_rate()").asText());
    assertEquals("number", fields.get("apdex(300)").asText());
    assertEquals("rate", fields.get("tpm()").asText());
    assertEquals("millisecond", res.get("meta").get("units").get("p95()").asText());
  }

  @Test
  void filterByTagAndColumns() {
    assertEquals(5, count("tags[region]:eu"));
    assertEquals(3, count("tags[region]:eu environment:prod"));
    assertEquals(12, count("release:shop@1.0"));
    assertEquals(1, count("tags[a'b]:\"it's\""));
    assertEquals(4, count("user:id:1"));
    assertEquals(List.of("GET /b"), transactions("field", "transaction", "field", "count()", "query", "transaction:*/b"));
    assertEquals(List.of("GET /b"), transactions("field", "transaction", "field", "count()", "query", "/B"));
  }

  @Test
  void negationAndHas() {
    assertEquals(7, count("!environment:prod"), "5 staging and the 2 without an environment");
    assertEquals(7, count("!tags[region]:eu"));
    assertEquals(10, count("has:tags[region]"));
    assertEquals(2, count("!has:user"));
    assertEquals(10, count("has:environment"));
  }

  @Test
  void durationComparisons() {
    assertEquals(7, count("duration:>500ms"), "600..1000 and the two GET /b");
    assertEquals(3, count("duration:<=0.3s"));
    assertEquals(2, count("duration:>=2s"));
    assertEquals(List.of("GET /b"), transactions("field", "transaction", "field", "p95()", "query", "p95():>1s"));
    assertEquals(List.of("GET /a"), transactions("field", "transaction", "field", "count()", "query", "count():>5"));
  }

  @Test
  void sortAndLimit() {
    assertEquals(List.of("GET /b", "GET /a"), transactions("field", "transaction", "field", "p95()", "sort", "-p95()"));
    assertEquals(List.of("GET /a", "GET /b"), transactions("field", "transaction", "field", "p95()", "sort", "p95()"));
    assertEquals(List.of("GET /b"), transactions("field", "transaction", "field", "count()", "sort", "-transaction",
        "limit", "1"));
    JsonNode rows = data("field", "transaction", "field", "duration", "field", "timestamp", "sort", "-duration",
        "limit", "3");
    assertEquals(3, rows.size());
    assertEquals(3000.0, rows.get(0).get("duration").asDouble(), 1.0);
    assertEquals(2000.0, rows.get(1).get("duration").asDouble(), 1.0);
    assertEquals(1000.0, rows.get(2).get("duration").asDouble(), 1.0);
    assertEquals(TestServer.nowSec() - 20, rows.get(0).get("timestamp").asDouble(), 30);
  }

  @Test
  void spansDatasetAndGroupByTag() {
    JsonNode rows = data("dataset", "spans", "field", "op", "field", "count()", "field", "avg(duration)",
        "sort", "op");
    assertEquals(2, rows.size(), rows.toString());
    assertEquals("db.query", rows.get(0).get("op").asText());
    assertEquals(20, rows.get(0).get("count()").asLong());
    assertEquals(5.0, rows.get(0).get("avg(duration)").asDouble(), 0.01);
    assertEquals(12, rows.get(1).get("count()").asLong());
    assertEquals(20, data("dataset", "spans", "field", "count()", "query", "transaction.op:http.server op:db.query")
        .get(0).get("count()").asLong(), "an envelope's spans carry their transaction's op");

    JsonNode regions = data("field", "tags[region]", "field", "count()", "sort", "tags[region]");
    assertEquals("eu", regions.get(0).get("tags[region]").asText());
    assertEquals(5, regions.get(0).get("count()").asLong());
    assertTrue(regions.get(2).get("tags[region]").isNull());
    assertEquals(2, regions.get(2).get("count()").asLong());
  }

  @Test
  void injectionAttemptsAreJustValues() {
    assertEquals(0, data("field", "transaction", "query", "transaction:\"x' OR 1=1 --\"").size());
    assertEquals(0, data("field", "transaction", "query", "transaction:\"'; DROP TABLE spans; --\"").size());
    assertEquals(0, data("field", "transaction", "field", "count()", "query", "\"') OR true --\"").size());
    assertEquals(0, data("field", "transaction", "query", "tags[x' OR '1'='1]:y").size());
    JsonNode quoted = data("field", "tags[a'b]", "field", "count()", "query", "has:tags[a'b]");
    assertEquals(1, quoted.size());
    assertEquals("it's", quoted.get(0).get("tags[a'b]").asText());
    assertEquals(12, count(""), "everything is still there");
  }

  @Test
  void badQueriesAre400WithAClearMessage() {
    assertTrue(badRequest("field", "foo").startsWith("field: unknown field 'foo'"));
    assertEquals("query: unbalanced quote at position 12",
        badRequest("field", "count()", "query", "transaction:\"GET /a"));
    assertTrue(badRequest("field", "transaction", "sort", "-x").startsWith("sort field '-x': unknown field 'x'"));
    assertTrue(badRequest("field", "transaction", "field", "count()", "sort", "-p95()")
        .startsWith("sort field '-p95()' is not selected"));
    assertTrue(badRequest("field", "count()", "query", "duration:>\"5 parsecs\"")
        .startsWith("query: invalid duration '5 parsecs' for 'duration' at position 10"));
    assertTrue(badRequest("field", "count()", "query", "nope:1").startsWith("query: unknown field 'nope' at position 0"));
    assertTrue(badRequest("field", "count()", "query", "a OR b").startsWith("query: OR is not supported at position 2"));
    assertTrue(badRequest("field", "transaction", "query", "count():>1").startsWith("conditions on functions"));
    assertTrue(badRequest("field", "percentile(duration, 2)").startsWith("field: percentile(): the second argument"));
    assertTrue(badRequest("statsPeriod", "1h").startsWith("at least one field is required"));
    assertTrue(badRequest("field", "count()", "dataset", "logs").startsWith("dataset: 'logs'"));
    assertTrue(badRequest("field", "count()", "limit", "5000").startsWith("limit: '5000'"));
    assertTrue(badRequest("field", "count()", "limit", "0").startsWith("limit: '0'"));
    assertTrue(badRequest("field", "count()", "statsPeriod", "forever").startsWith("statsPeriod: 'forever'"));
    assertTrue(badRequest("field", "count()", "project", "x").contains("project"));
    assertTrue(badRequest("field", "count()", "query", "project:x").startsWith("query: invalid integer 'x'"));
  }

  @Test
  void oddCharactersNeverGiveA5xx() {
    String[] queries = {"transaction:\"a\u0000b\"", "tags[\u0000]:x", "release:x\\\\*", "\uD83D\uDE00 op:*%_*",
        "tags[\\]:\"\\\\\"", "transaction:\ud800", "duration:>99999999999999s", "timestamp:>+999999999-12-31T00:00:00Z",
        "percentile(duration,0.5):>1", "count_unique(tags[x]):<1 !has:tags[x]", "!!!op:x", ":", "::", "!:x", "\"\""};
    for (String q : queries) {
      HttpResponse<String> r = s.get(path("field", "transaction", "field", "count()", "query", q));
      assertTrue(r.statusCode() == 200 || r.statusCode() == 400, q + " -> " + r.statusCode() + " " + r.body());
    }
    assertEquals(0, data("field", "count()", "query", "transaction:\"a\u0000b\"").get(0).get("count()").asLong());
  }

  @Test
  void tokenRequired() {
    URI uri = URI.create(s.base + path("field", "count()"));
    HttpResponse<String> none = s.send(HttpRequest.newBuilder(uri).GET());
    assertEquals(401, none.statusCode());
    HttpResponse<String> wrong = s.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer nope").GET());
    assertEquals(401, wrong.statusCode());
  }

  @Test
  void projectAndExplicitPeriod() {
    assertEquals(12, data("field", "count()", "project", "1").get(0).get("count()").asLong());
    assertEquals(0, data("field", "count()", "project", "2").get(0).get("count()").asLong());
    double now = TestServer.nowSec();
    JsonNode old = data("field", "count()", "start", String.valueOf((long) now - 7200), "end",
        String.valueOf((long) now - 3600));
    assertEquals(0, old.get(0).get("count()").asLong());
  }
}
