package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.Outcome;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/** {@code POST /api/<project>/integration/zipkin/api/v2/spans} over HTTP: encodings, keys, refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZipkinIngestTest {
  static final int MAX_BODY = 1 << 20;

  @TempDir static Path dir;
  TestServer s;
  String otherKey;

  @BeforeAll
  void start() {
    s = new TestServer(SpindleServer.builder().port(0).dataDir(dir).maxEnvelopeBytes(MAX_BODY));
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"other\"}")));
    otherKey = TestServer.publicKey(TestServer.json(r.body()).get("dsn").asText());
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private String url(long project, String query) {
    return s.base + "/api/" + project + "/integration/zipkin/api/v2/spans" + (query == null ? "" : "?" + query);
  }

  private HttpResponse<String> post(String query, String type, String encoding, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(1, query))).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) b.header("Content-Type", type);
    if (encoding != null) b.header("Content-Encoding", encoding);
    return s.send(b);
  }

  private HttpResponse<String> postJson(String body) {
    return post("sentry_key=" + s.key, "application/json", null, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A 64-bit trace: a server span of {@code checkout} and its client call to {@code payments}. */
  private static List<Span> trace(String traceId64) {
    long now = System.currentTimeMillis() * 1000;
    Endpoint checkout = Endpoint.newBuilder().serviceName("checkout").ip("10.1.2.3").build();
    Span server = Span.newBuilder().traceId(traceId64).id("00000000000000a1").kind(Span.Kind.SERVER)
        .name("post /orders/{id}").timestamp(now - 20_000).duration(20_000).localEndpoint(checkout)
        .putTag("http.method", "POST").putTag("http.path", "/orders/77").build();
    Span client = Span.newBuilder().traceId(traceId64).id("00000000000000a2").parentId("00000000000000a1")
        .kind(Span.Kind.CLIENT).name("post").timestamp(now - 15_000).duration(5_000).localEndpoint(checkout)
        .remoteEndpoint(Endpoint.newBuilder().serviceName("payments").build())
        .putTag("http.method", "POST").putTag("http.path", "/charge").putTag("http.status_code", "402")
        .addAnnotation(now - 14_000, "ws").build();
    return List.of(server, client);
  }

  private void assertStored(String traceId64) {
    JsonNode t = s.getJson("/api/v1/traces/0000000000000000" + traceId64);
    assertEquals(1, t.get("transactions").size(), t.toString());
    JsonNode tx = t.get("transactions").get(0);
    assertEquals("POST /orders/{id}", tx.get("name").asText());
    assertEquals("route", tx.get("transactionSource").asText());
    assertEquals("http.server", tx.get("op").asText());
    assertEquals("checkout", tx.get("service").asText());
    assertEquals("zipkin", tx.get("platform").asText());
    assertEquals("/orders/77", tx.get("data").get("http.path").asText());
    JsonNode client = tx.get("spans").get(0);
    assertEquals(1, tx.get("spans").size());
    assertEquals("00000000000000a1", client.get("parentSpanId").asText());
    assertEquals("http.client", client.get("op").asText());
    assertEquals("POST /charge", client.get("description").asText());
    assertEquals("invalid_argument", client.get("status").asText());
    assertEquals(0.005, client.get("timestamp").asDouble() - client.get("startTimestamp").asDouble(), 1e-6);
    assertEquals("payments", client.get("data").get("zipkin.remote_endpoint").get("serviceName").asText());
    assertEquals("ws", client.get("data").get("zipkin.annotations").get(0).get("value").asText());
  }

  @Test
  void gzippedJsonWithTheKeyInTheQuery() {
    String traceId = TestServer.hex(16);
    HttpResponse<String> r = post("sentry_key=" + s.key, "application/json; charset=utf-8", "gzip",
        TestServer.gzip(SpanBytesEncoder.JSON_V2.encodeList(trace(traceId))));
    assertEquals(202, r.statusCode(), r.body());
    assertEquals("", r.body());
    assertStored(traceId);
  }

  @Test
  void proto3WithTheKeyInTheHeader() {
    String traceId = TestServer.hex(16);
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(url(1, null)))
        .header("Content-Type", "application/x-protobuf")
        .header("X-Sentry-Auth", "Sentry sentry_version=7, sentry_key=" + s.key)
        .POST(HttpRequest.BodyPublishers.ofByteArray(SpanBytesEncoder.PROTO3.encodeList(trace(traceId)))));
    assertEquals(202, r.statusCode(), r.body());
    assertStored(traceId);
  }

  @Test
  void spansSentBeforeTheirRootTakeItsTransactionAndOp() {
    String traceId = TestServer.hex(16);
    List<Span> trace = trace(traceId);
    Span client = trace.get(1);
    Span local = Span.newBuilder().traceId(traceId).id("00000000000000a3").parentId(client.id()).name("sign")
        .timestamp(client.timestampAsLong() + 1_000).duration(2_000).localEndpoint(client.localEndpoint()).build();
    // As a reporter flushing each span alone: the deepest first, the root last, one request each.
    for (Span span : List.of(local, client, trace.get(0))) {
      HttpResponse<String> r = postJson(new String(SpanBytesEncoder.JSON_V2.encodeList(List.of(span)), StandardCharsets.UTF_8));
      assertEquals(202, r.statusCode(), r.body());
    }
    List<String> rows = new ArrayList<>();
    for (JsonNode row : s.getJson("/api/v1/discover?dataset=spans&field=op&field=transaction&field=transaction.op"
        + "&sort=op&statsPeriod=1h&query=trace:0000000000000000" + traceId).get("data")) {
      rows.add(row.get("op").asText() + " " + row.get("transaction").asText() + " " + row.get("transaction.op").asText());
    }
    assertEquals(List.of("default POST /orders/{id} http.server", "http.client POST /orders/{id} http.server",
        "http.server POST /orders/{id} http.server"), rows);
  }

  @Test
  void spansWithoutTimestampAreDroppedAndCounted() {
    String traceId = TestServer.hex(16);
    long before = invalidSpans();
    String body = "[{\"traceId\":\"" + traceId + "\",\"id\":\"00000000000000b1\",\"name\":\"kept\",\"timestamp\":"
        + System.currentTimeMillis() * 1000 + "},{\"traceId\":\"" + traceId + "\",\"id\":\"00000000000000b2\",\"name\":\"no time\"}]";
    assertEquals(202, postJson(body).statusCode());
    JsonNode tx = s.getJson("/api/v1/traces/0000000000000000" + traceId).get("transactions").get(0);
    assertEquals("kept", tx.get("name").asText());
    assertEquals(tx.get("startTimestamp").asDouble(), tx.get("timestamp").asDouble(), "zero duration");
    assertEquals(before + 1, invalidSpans());
  }

  private long invalidSpans() {
    long n = 0;
    for (Outcome o : s.server.storage().outcomes().outcomes(1L, 0, Long.MAX_VALUE)) {
      if (o.reason().equals("invalid_span")) n += o.quantity();
    }
    return n;
  }

  /** Asserts the status and a JSON body whose detail contains {@code fragment}. */
  private static void assertRefused(HttpResponse<String> r, int status, String fragment) {
    assertEquals(status, r.statusCode(), r.body());
    String detail = TestServer.json(r.body()).path("detail").asText();
    assertTrue(detail.contains(fragment), "'" + detail + "' should mention '" + fragment + "'");
  }

  @Test
  void malformedBodies() {
    assertRefused(postJson("[{\"traceId\":"), 400, "Zipkin JSON v2: End of input at line 1 column 13 path $[0].traceId");
    assertRefused(postJson("{\"resourceSpans\":[]}"), 400, "Zipkin JSON v2: Malformed");
    byte[] proto = SpanBytesEncoder.PROTO3.encodeList(trace(TestServer.hex(16)));
    assertRefused(post("sentry_key=" + s.key, "application/x-protobuf", null, Arrays.copyOf(proto, proto.length - 3)),
        400, "Zipkin proto3: Truncated");
    assertRefused(post("sentry_key=" + s.key, "application/json", "gzip", "not gzip".getBytes(StandardCharsets.UTF_8)),
        400, "corrupt gzip body");
    String deep = "[{\"traceId\":\"1\",\"id\":\"2\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}]";
    HttpResponse<String> nested = postJson(deep);
    assertRefused(nested, 400, "Zipkin JSON v2: Nesting limit 255 reached");
    assertTrue(nested.body().length() < 500, "the decoder's long path is cut: " + nested.body());
  }

  @Test
  void anInvalidIdRefusesTheWholeBody() {
    String traceId = TestServer.hex(16);
    String good = "{\"traceId\":\"" + traceId + "\",\"id\":\"00000000000000c1\",\"timestamp\":" + System.currentTimeMillis() * 1000 + "}";
    assertRefused(postJson("[" + good + ",{\"traceId\":\"" + traceId + "\",\"id\":\"0000000000000000\"}]"), 400, "id is all zeros");
    assertRefused(postJson("[" + good + ",{\"traceId\":\"" + traceId + "\",\"id\":\"XYZ\"}]"), 400, "XYZ should be lower-hex");
    assertRefused(postJson("[" + good + ",{\"traceId\":\"" + traceId + traceId + "1\",\"id\":\"00000000000000c2\"}]"), 400, "traceId.length > 32");
    assertEquals(404, s.get("/api/v1/traces/0000000000000000" + traceId).statusCode(), "nothing stored half");
  }

  @Test
  void wrongContentType() {
    byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
    assertRefused(post("sentry_key=" + s.key, "text/plain", null, body), 415, "Content-Type 'text/plain'");
    assertRefused(post("sentry_key=" + s.key, null, null, body), 415, "expected: application/json or application/x-protobuf");
    assertRefused(post("sentry_key=" + s.key, "application/json", "compress", body), 415, "Content-Encoding");
  }

  @Test
  void oversizedBodies() throws Exception {
    byte[] big = new byte[MAX_BODY + 1];
    Arrays.fill(big, (byte) ' ');
    assertRefused(post("sentry_key=" + s.key, "application/json", null, big), 413, "limit " + MAX_BODY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      byte[] spaces = new byte[1 << 20];
      Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 50; i++) g.write(spaces); // 50 MiB inflated, ~50 KiB on the wire
    }
    assertRefused(post("sentry_key=" + s.key, "application/json", "gzip", out.toByteArray()), 413, "decompressed body exceeds");
    assertEquals(202, postJson("[]").statusCode(), "still healthy");
  }

  @Test
  void keys() {
    byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
    assertRefused(post(null, "application/json", null, body), 401, "missing authentication");
    assertRefused(post("sentry_key=" + TestServer.hex(32), "application/json", null, body), 401, "unknown");
    assertRefused(post("sentry_key=" + otherKey, "application/json", null, body), 403, "not valid for project 1");
    HttpResponse<String> badProject = s.send(HttpRequest.newBuilder(URI.create(url(1, "sentry_key=" + s.key).replace("/api/1/", "/api/abc/")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertRefused(badProject, 400, "invalid project id");
  }

  @Test
  void openToBrowsers() {
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(url(1, null)))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
        .header("Access-Control-Request-Method", "POST"));
    assertEquals(204, r.statusCode());
    assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }
}
