package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed, oversized or unauthorized request gets a precise 4xx with a JSON message. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
  @TempDir static Path dir;
  TestServer s;
  String otherKey;

  @BeforeAll
  void start() {
    s = new TestServer(dir);
    otherKey = TestServer.publicKey(createProject());
  }

  private String createProject() {
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"other\"}")));
    return TestServer.json(r.body()).get("dsn").asText();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private static String validEnvelope() {
    double now = TestServer.nowSec();
    return TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null, "t", now - 1, now, 1);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Asserts the status and a JSON body with a non-empty detail containing {@code fragment}. */
  private static void assertRefused(HttpResponse<String> r, int status, String fragment) {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode b = TestServer.json(r.body());
    String detail = b.path("detail").asText();
    assertTrue(detail.contains(fragment), "'" + detail + "' should mention '" + fragment + "'");
  }

  @Test
  void wrongKey() {
    assertRefused(s.postEnvelope(1, utf8(validEnvelope()), "sentry_key=" + TestServer.hex(32), null), 401, "unknown");
  }

  @Test
  void missingKey() {
    assertRefused(s.postEnvelope(1, utf8(validEnvelope()), null, null), 401, "missing authentication");
  }

  @Test
  void keyOfAnotherProject() {
    assertRefused(s.postEnvelope(1, utf8(validEnvelope()), "sentry_key=" + otherKey, null), 403, "not valid for project 1");
  }

  @Test
  void conflictingKeys() {
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/1/envelope/?sentry_key=" + s.key))
        .header("X-Sentry-Auth", "Sentry sentry_version=7, sentry_key=" + otherKey)
        .POST(HttpRequest.BodyPublishers.ofString(validEnvelope())));
    assertRefused(r, 401, "conflicting");
  }

  @Test
  void malformedDsnHeader() {
    String env = validEnvelope().replaceFirst("\\{\"event_id\"", "{\"dsn\":\"localhost/1\",\"event_id\"");
    assertRefused(s.postEnvelope(1, utf8(env), null, null), 400, "envelope dsn: missing scheme");
  }

  @Test
  void dsnOfAnotherProject() {
    String env = validEnvelope().replaceFirst("\\{\"event_id\"", "{\"dsn\":\"http://" + s.key + "@localhost/2\",\"event_id\"");
    assertRefused(s.postEnvelope(1, utf8(env), null, null), 403, "names project 2");
  }

  @Test
  void invalidProjectId() {
    HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/abc/envelope/?sentry_key=" + s.key))
        .POST(HttpRequest.BodyPublishers.ofString(validEnvelope())));
    assertRefused(r, 400, "invalid project id");
  }

  @Test
  void garbageBody() {
    assertRefused(s.postEnvelope(1, utf8("this is not an envelope\n\u0000\u0001"), "sentry_key=" + s.key, null), 400, "envelope header");
    assertRefused(s.postEnvelope(1, new byte[0], "sentry_key=" + s.key, null), 400, "envelope");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"transaction\"}\n{not json\n"), "sentry_key=" + s.key, null), 400, "invalid JSON");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"length\":2}\nab\n"), "sentry_key=" + s.key, null), 400, "missing 'type'");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"transaction\"}\n[1,2]\n"), "sentry_key=" + s.key, null), 400, "expected a JSON object");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"transaction\"}\n{\"event_id\":\"" + TestServer.hex(32)
        + "\",\"start_timestamp\":2,\"timestamp\":1,\"contexts\":{\"trace\":{\"trace_id\":\"" + TestServer.hex(32)
        + "\",\"span_id\":\"" + TestServer.hex(16) + "\"}}}\n"), "sentry_key=" + s.key, null), 400, "after timestamp");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"transaction\"}\n{\"event_id\":\"zz\"}\n"), "sentry_key=" + s.key, null), 400, "event_id");
  }

  @Test
  void lyingItemLength() {
    String payload = "{\"a\":1}";
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"event\",\"length\":5000}\n" + payload + "\n"),
        "sentry_key=" + s.key, null), 400, "runs past the end");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"event\",\"length\":3}\n" + payload + "\n"),
        "sentry_key=" + s.key, null), 400, "longer than its length");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"event\",\"length\":-1}\n" + payload + "\n"),
        "sentry_key=" + s.key, null), 400, "invalid length");
  }

  /** Sends raw HTTP/1.1 bytes and returns the status line and body. */
  private String raw(String head, byte[] body) throws Exception {
    URI u = URI.create(s.base);
    try (java.net.Socket sock = new java.net.Socket(u.getHost(), u.getPort())) {
      sock.setSoTimeout(20_000);
      java.io.OutputStream out = sock.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      sock.shutdownOutput();
      return new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void lyingContentLength() throws Exception {
    String shortBody = raw("POST /api/1/envelope/?sentry_key=" + s.key + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 5000\r\nConnection: close\r\n\r\n", utf8(validEnvelope()));
    assertTrue(shortBody.startsWith("HTTP/1.1 400"), shortBody);
    String huge = raw("POST /api/1/envelope/?sentry_key=" + s.key + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 999999999999\r\nConnection: close\r\n\r\n", utf8("{}"));
    assertTrue(huge.startsWith("HTTP/1.1 413"), huge);
    assertTrue(huge.contains("limit"), huge);
  }

  @Test
  void gzipBombIsRefusedNotInflated() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) g.write(zeros); // 200 MiB of zeros, ~200 KiB compressed
    }
    assertRefused(s.postEnvelope(1, out.toByteArray(), "sentry_key=" + s.key, "gzip"), 413, "decompressed body exceeds");
    assertEquals(200, s.postEnvelope(validEnvelope()).statusCode(), "still healthy");
  }

  @Test
  void zstdBombIsRefusedNotInflated() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) z.write(zeros);
    }
    assertRefused(s.postEnvelope(1, out.toByteArray(), "sentry_key=" + s.key, "zstd"), 413, "decompressed body exceeds");
    assertRefused(s.postEnvelope(1, utf8("not zstd at all"), "sentry_key=" + s.key, "zstd"), 400, "zstd");
  }

  @Test
  void brotliBombIsRefusedNotInflated() throws Exception {
    com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (com.aayushatharva.brotli4j.encoder.BrotliOutputStream b =
        new com.aayushatharva.brotli4j.encoder.BrotliOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) b.write(zeros);
    }
    assertRefused(s.postEnvelope(1, out.toByteArray(), "sentry_key=" + s.key, "br"), 413, "decompressed body exceeds");
    assertRefused(s.postEnvelope(1, utf8("not brotli at all"), "sentry_key=" + s.key, "br"), 400, "body");
    assertEquals(200, s.postEnvelope(validEnvelope()).statusCode(), "still healthy");
  }

  @Test
  void corruptOrUnknownEncoding() {
    assertRefused(s.postEnvelope(1, utf8("definitely not gzip"), "sentry_key=" + s.key, "gzip"), 400, "gzip");
    assertRefused(s.postEnvelope(1, utf8(validEnvelope()), "sentry_key=" + s.key, "compress"), 415, "Content-Encoding");
  }

  @Test
  void oversizedItem() {
    StringBuilder big = new StringBuilder("{\"message\":\"");
    while (big.length() < 1_100_000) big.append("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    big.append("\"}");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"event\"}\n" + big + "\n"), "sentry_key=" + s.key, null), 413, "limit 1048576");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"event\",\"length\":2000000}\n"), "sentry_key=" + s.key, null), 413, "limit");
  }

  @Test
  void tooManyItems() {
    String items = "{\"type\":\"attachment\",\"length\":0}\n\n".repeat(10_001);
    assertRefused(s.postEnvelope(1, utf8("{}\n" + items), "sentry_key=" + s.key, null), 413, "more than 10000 items");
  }

  @Test
  void oversizedEnvelope() {
    byte[] body = new byte[21 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    HttpResponse<String> r = s.postEnvelope(1, body, "sentry_key=" + s.key, null);
    assertRefused(r, 413, "limit");
  }

  @Test
  void deeplyNestedJson() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"transaction\"}\n" + deep + "\n"), "sentry_key=" + s.key, null), 400, "invalid JSON");
    String deepObj = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"event\"}\n" + deepObj + "\n"), "sentry_key=" + s.key, null), 400, "invalid JSON");
    assertRefused(s.postEnvelope(1, utf8(deep + "\n"), "sentry_key=" + s.key, null), 400, "envelope header");
  }

  @Test
  void missingOrWrongToken() {
    HttpResponse<String> none = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/transactions")).GET());
    assertRefused(none, 401, "missing API token");
    HttpResponse<String> wrong = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/traces/" + TestServer.hex(32)))
        .header("Authorization", "Bearer spd_" + TestServer.hex(64)).GET());
    assertRefused(wrong, 401, "invalid");
    HttpResponse<String> basic = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .header("Authorization", "Basic dXNlcjpwYXNz").GET());
    assertRefused(basic, 401, "missing API token");
    HttpResponse<String> post = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
    assertRefused(post, 401, "missing API token");
  }

  @Test
  void badQueryParameters() {
    assertRefused(s.get("/api/v1/traces/not-a-trace"), 400, "invalid trace id");
    assertRefused(s.get("/api/v1/transactions?statsPeriod=forever"), 400, "statsPeriod");
    assertRefused(s.get("/api/v1/transactions?query=bogus:1"), 400, "unknown key 'bogus'");
    assertRefused(s.get("/api/v1/transactions?query=%22unbalanced"), 400, "unbalanced");
    assertRefused(s.get("/api/v1/transactions?project=-1"), 400, "invalid project id");
    assertRefused(s.get("/api/v1/traces?sort=random"), 400, "sort");
    assertRefused(s.get("/api/v1/traces?limit=0"), 400, "limit");
    assertRefused(s.get("/api/v1/traces?minDuration=abc"), 400, "minDuration");
    assertRefused(s.get("/api/v1/transactions/timeseries?statsPeriod=30d&interval=1s"), 400, "interval");
    assertRefused(s.get("/api/v1/transactions?start=yesterday&end=today"), 400, "start");
    assertRefused(s.get("/api/v1/nothing-here"), 404, "no such endpoint");
    for (String path : new String[] {"/api/v1/service-map", "/api/v1/propagation"}) {
      assertRefused(s.get(path + "?statsPeriod=forever"), 400, "statsPeriod");
      assertRefused(s.get(path + "?project=abc"), 400, "invalid project id");
      assertRefused(s.get(path + "?project=999"), 404, "project 999 not found");
      assertRefused(s.get(path + "?start=yesterday&end=today"), 400, "start");
      assertRefused(s.send(HttpRequest.newBuilder(URI.create(s.base + path)).GET()), 401, "missing API token");
      assertEquals(200, s.get(path + "?project=1&statsPeriod=1h").statusCode());
    }
    assertRefused(s.get("/api/v1/propagation?statsPeriod=30d&interval=1s"), 400, "interval");
    assertRefused(s.get("/api/v1/propagation?interval=soon"), 400, "interval");
    HttpResponse<String> inj = s.get("/api/v1/transactions?query=transaction:%22x'%20OR%20'1'='1%22");
    assertEquals(200, inj.statusCode(), inj.body());
  }

  @Test
  void badAdminBodies() {
    HttpResponse<String> noName = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertRefused(noName, 400, "name");
    HttpResponse<String> garbage = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.ofString("{{{")));
    assertRefused(garbage, 400, "invalid JSON");
    HttpResponse<String> missing = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/projects/99/rotate-key"))
        .header("Authorization", "Bearer " + s.token).POST(HttpRequest.BodyPublishers.noBody()));
    assertRefused(missing, 404, "project 99");
  }

  @Test
  void badOtlp() {
    String path = s.base + "/api/1/integration/otlp/v1/traces?sentry_key=" + s.key;
    HttpResponse<String> proto = s.send(HttpRequest.newBuilder(URI.create(path))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02})));
    assertRefused(proto, 400, "protobuf");
    HttpResponse<String> json = s.send(HttpRequest.newBuilder(URI.create(path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("[[[")));
    assertRefused(json, 400, "OTLP JSON");
    HttpResponse<String> badHex = s.send(HttpRequest.newBuilder(URI.create(path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\",\"spanId\":\"00\"}]}]}]}")));
    assertRefused(badHex, 400, "traceId");
    HttpResponse<String> type = s.send(HttpRequest.newBuilder(URI.create(path))
        .header("Content-Type", "text/html").POST(HttpRequest.BodyPublishers.ofString("<html>")));
    assertRefused(type, 415, "Content-Type");
    HttpResponse<String> noKey = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/1/integration/otlp/v1/traces"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertRefused(noKey, 401, "missing authentication");
  }

  // The same bad input on every ingestion endpoint (OTLP/gRPC: OtlpGrpcTest).

  private static final String OTLP = "/api/1/integration/otlp/v1/traces";
  private static final String ZIPKIN = "/api/1/integration/zipkin/api/v2/spans";
  private static final double DAY_SEC = 86_400;

  private HttpResponse<String> post(String path, String type, String encoding, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base + path + "?sentry_key=" + s.key))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) b.header("Content-Type", type);
    if (encoding != null) b.header("Content-Encoding", encoding);
    return s.send(b);
  }

  private static String otlpJson(String traceId, String spanId, double startSec) {
    return otlpJson(otlpSpan(traceId, spanId, startSec));
  }

  private static String otlpJson(String... spans) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + String.join(",", spans) + "]}]}]}";
  }

  private static String otlpSpan(String traceId, String spanId, double startSec) {
    long ns = (long) (startSec * 1e9);
    return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\",\"name\":\"GET\",\"kind\":2,"
        + "\"startTimeUnixNano\":" + ns + ",\"endTimeUnixNano\":" + (ns + 5_000_000) + "}";
  }

  private static String zipkinJson(String traceId, String spanId, double startSec) {
    return "[{\"traceId\":\"" + traceId + "\",\"id\":\"" + spanId + "\",\"name\":\"get\",\"kind\":\"SERVER\",\"timestamp\":"
        + (long) (startSec * 1e6) + ",\"duration\":5000}]";
  }

  private void assertNotStored(String traceId) {
    assertEquals(404, s.get("/api/v1/traces/" + traceId).statusCode(), "nothing of trace " + traceId + " stored");
  }

  @Test
  void truncatedProtobufOnEveryEndpoint() {
    String traceId = TestServer.hex(32);
    byte[] otlp = OtlpGrpcClient.request(java.util.List.of(OtlpGrpcClient.span(traceId, TestServer.hex(16), "GET",
        System.currentTimeMillis()))).toByteArray();
    assertRefused(post(OTLP, "application/x-protobuf", null, java.util.Arrays.copyOf(otlp, otlp.length - 5)), 400, "invalid protobuf");
    byte[] zipkin = zipkin2.codec.SpanBytesEncoder.PROTO3.encodeList(java.util.List.of(zipkin2.Span.newBuilder()
        .traceId(traceId).id(TestServer.hex(16)).name("get").timestamp(System.currentTimeMillis() * 1000).build()));
    assertRefused(post(ZIPKIN, "application/x-protobuf", null, java.util.Arrays.copyOf(zipkin, zipkin.length - 5)), 400, "Zipkin proto3");
    String env = validEnvelope();
    assertRefused(post("/api/1/envelope/", null, null, utf8(env.substring(0, env.length() - 20))), 400, "runs past the end");
    assertNotStored(traceId);
  }

  @Test
  void wrongContentTypeOnEveryEndpoint() {
    assertRefused(post(OTLP, "text/plain", null, utf8("{}")), 415, "Content-Type 'text/plain'");
    assertRefused(post(OTLP, null, null, utf8("{}")), 415, "Content-Type");
    assertRefused(post(ZIPKIN, "application/x-www-form-urlencoded", null, utf8("[]")), 415, "Content-Type");
    // Envelopes are read whatever their Content-Type (SDKs send several).
    assertEquals(200, post("/api/1/envelope/", "text/plain", null, utf8(validEnvelope())).statusCode());
  }

  @Test
  void gzipBombOnEveryEndpoint() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 25; i++) g.write(zeros); // 25 MiB of zeros (the limit is 20), ~25 KiB compressed
    }
    byte[] bomb = out.toByteArray();
    assertRefused(post(OTLP, "application/x-protobuf", "gzip", bomb), 413, "decompressed body exceeds");
    assertRefused(post(OTLP, "application/json", "gzip", bomb), 413, "decompressed body exceeds");
    assertRefused(post(ZIPKIN, "application/json", "gzip", bomb), 413, "decompressed body exceeds");
    assertRefused(post("/api/1/envelope/", null, "gzip", bomb), 413, "decompressed body exceeds");
  }

  @Test
  void tenMegabyteBodiesOnEveryEndpoint() {
    byte[] junk = new byte[10 * 1024 * 1024];
    java.util.Arrays.fill(junk, (byte) 0xff);
    assertRefused(post(OTLP, "application/x-protobuf", null, junk), 400, "invalid protobuf");
    assertRefused(post(ZIPKIN, "application/x-protobuf", null, junk), 400, "Zipkin proto3");
    java.util.Arrays.fill(junk, (byte) '[');
    assertRefused(post(OTLP, "application/json", null, junk), 400, "OTLP JSON");
    assertRefused(post(ZIPKIN, "application/json", null, junk), 400, "Zipkin JSON v2");
    assertRefused(post("/api/1/envelope/", null, null, junk), 400, "envelope header");
    byte[] tooBig = new byte[21 * 1024 * 1024]; // over the default 20 MiB body limit
    assertRefused(post(OTLP, "application/json", null, tooBig), 413, "limit");
    assertRefused(post(ZIPKIN, "application/json", null, tooBig), 413, "limit");
  }

  @Test
  void invalidIdsOnEveryEndpoint() {
    String traceId = TestServer.hex(32);
    double now = TestServer.nowSec();
    assertRefused(post(OTLP, "application/x-protobuf", null, OtlpGrpcClient.request(java.util.List.of(
        OtlpGrpcClient.span(traceId, "0000000000000000", "GET", System.currentTimeMillis()))).toByteArray()),
        400, "all 1 spans refused: 1 invalid_span");
    assertRefused(post(OTLP, "application/json", null, utf8(otlpJson("00000000000000000000000000000000", TestServer.hex(16), now))),
        400, "all 1 spans refused: 1 invalid_span");
    assertRefused(post(ZIPKIN, "application/json", null, utf8(zipkinJson(traceId, "0000000000000000", now))), 400, "all zeros");
    assertRefused(s.postEnvelope(1, utf8(TestServer.transaction("0".repeat(32), TestServer.hex(32), TestServer.hex(16), null,
        "t", now - 1, now, 0)), "sentry_key=" + s.key, null), 400, "trace_id");
    assertNotStored(traceId);
  }

  @Test
  void spansInTheFarPastOrFutureOnEveryEndpoint() {
    double now = TestServer.nowSec();
    for (double start : new double[] {now - 31 * DAY_SEC, now + 2 * DAY_SEC}) {
      String traceId = TestServer.hex(32);
      String why = start < now ? "more than 30 days before" : "more than 1 day after";
      assertRefused(post(OTLP, "application/json", null, utf8(otlpJson(traceId, TestServer.hex(16), start))),
          400, "all 1 spans refused: 1 timestamp");
      assertRefused(post(OTLP, "application/x-protobuf", null, OtlpGrpcClient.request(java.util.List.of(
          OtlpGrpcClient.span(traceId, TestServer.hex(16), "GET", (long) (start * 1000)))).toByteArray()),
          400, "1 timestamp (starts more than 30 days before or ends more than 1 day after");
      assertRefused(post(ZIPKIN, "application/json", null, utf8(zipkinJson(traceId, TestServer.hex(16), start))),
          400, "all 1 spans refused: 1 timestamp");
      assertRefused(s.postEnvelope(1, utf8(TestServer.transaction(traceId, TestServer.hex(32), TestServer.hex(16), null,
          "t", start, start + 1, 1)), "sentry_key=" + s.key, null), 400, "transaction: " + (start < now ? "starts " : "ends ") + why);
      assertNotStored(traceId);
    }
  }

  @Test
  void untimelySpansBesideGoodOnesAreAPartialSuccess() {
    String traceId = TestServer.hex(32);
    double now = TestServer.nowSec();
    String both = otlpJson(otlpSpan(traceId, TestServer.hex(16), now), otlpSpan(traceId, TestServer.hex(16), now - 40 * DAY_SEC));
    HttpResponse<String> r = post(OTLP, "application/json", null, utf8(both));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode partial = TestServer.json(r.body()).get("partialSuccess");
    assertEquals(1, partial.get("rejectedSpans").asLong(), r.body());
    assertTrue(partial.get("errorMessage").asText().contains("1 timestamp"), r.body());
    assertEquals(1, s.getJson("/api/v1/traces/" + traceId).get("transactions").size());
  }

  @Test
  void envelopeItemLimits() {
    double now = TestServer.nowSec();
    String tx = validEnvelope();
    String txItem = tx.substring(tx.indexOf('\n') + 1);
    assertRefused(s.postEnvelope(1, utf8("{}\n" + txItem + txItem), "sentry_key=" + s.key, null), 413,
        "too many transaction items in the envelope (Sentry's limit: 1)");
    String event = "{\"type\":\"event\"}\n{\"event_id\":\"" + TestServer.hex(32) + "\",\"message\":\"x\",\"timestamp\":" + now + "}\n";
    assertRefused(s.postEnvelope(1, utf8("{}\n" + event + event), "sentry_key=" + s.key, null), 413, "too many event items");
    String traceId = TestServer.hex(32);
    StringBuilder spans = new StringBuilder("{}\n");
    for (int i = 0; i < 26; i++) {
      spans.append("{\"type\":\"span\"}\n{\"trace_id\":\"").append(traceId).append("\",\"span_id\":\"").append(TestServer.hex(16))
          .append("\",\"start_timestamp\":").append(now - 1).append(",\"timestamp\":").append(now).append("}\n");
    }
    assertRefused(s.postEnvelope(1, utf8(spans.toString()), "sentry_key=" + s.key, null), 413,
        "too many standalone spans in the envelope (Sentry's limit: 25)");
    assertNotStored(traceId);
    StringBuilder container = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 26; i++) {
      if (i > 0) container.append(',');
      container.append("{\"trace_id\":\"").append(traceId).append("\",\"span_id\":\"").append(TestServer.hex(16))
          .append("\",\"start_timestamp\":").append(now - 1).append(",\"end_timestamp\":").append(now).append('}');
    }
    container.append("]}");
    assertRefused(s.postEnvelope(1, utf8("{}\n{\"type\":\"span\"}\n" + container + "\n"), "sentry_key=" + s.key, null), 413,
        "too many standalone spans");
    assertNotStored(traceId);
    String first25 = spans.substring(0, spans.lastIndexOf("{\"type\":\"span\"}"));
    assertEquals(200, s.postEnvelope(1, utf8(first25), "sentry_key=" + s.key, null).statusCode(), "25 spans are fine");
  }
}
