package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.json.Json;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.SpanRow;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/** Zipkin v2 spans to rows: ids, segments, names, ops, statuses, shared spans, drops, decoding errors. */
class ZipkinMapperTest {
  static final long NOW = 1_700_000_000_000_000L;
  static final String TRACE64 = "463ac35c9f6413ad";
  static final String TRACE = "0000000000000000" + TRACE64;

  static Endpoint service(String name) {
    return Endpoint.newBuilder().serviceName(name).ip("10.0.0.7").port(8080).build();
  }

  static Span.Builder span(String id, String parent) {
    return Span.newBuilder().traceId(TRACE64).id(id).parentId(parent).timestamp(NOW).duration(1500);
  }

  static Map<String, SpanRow> map(Span... spans) {
    OtlpMapper.Mapped m = ZipkinMapper.map(List.of(spans), 7, false, NOW, TransactionNames.FIXED);
    assertEquals(List.of(), m.drops());
    Map<String, SpanRow> byId = new HashMap<>();
    for (SpanRow r : m.spans()) byId.put(r.spanId(), r);
    assertEquals(spans.length, byId.size(), "one row per span, ids distinct");
    return byId;
  }

  static JsonNode data(SpanRow r) {
    return Json.parse(r.dataJson().getBytes(StandardCharsets.UTF_8), 0, r.dataJson().length(), "data");
  }

  @Test
  void serverSpanIsASegmentAndItsChildrenJoinIt() {
    Span server = span("00000000000000a1", null).kind(Span.Kind.SERVER).name("GET /cart/{id}")
        .localEndpoint(service("cart")).remoteEndpoint(Endpoint.newBuilder().ip("192.168.1.2").port(51234).build())
        .putTag("http.method", "GET").putTag("http.path", "/cart/42").putTag("service.version", "cart@2.1")
        .putTag("deployment.environment.name", "prod").putTag("enduser.id", "u-17")
        .addAnnotation(NOW + 10, "wr").debug(true).build();
    Span local = span("00000000000000a2", "00000000000000a1").name("load cart").localEndpoint(service("cart")).build();
    Span client = span("00000000000000a3", "00000000000000a2").kind(Span.Kind.CLIENT).name("post")
        .localEndpoint(service("cart")).remoteEndpoint(Endpoint.newBuilder().serviceName("payments").build())
        .putTag("http.method", "POST").putTag("http.path", "/charge").putTag("http.status_code", "503")
        .putTag("error", "503").build();
    Map<String, SpanRow> rows = map(server, local, client);

    SpanRow s = rows.get("00000000000000a1");
    assertEquals(TRACE, s.traceId(), "a 64-bit trace id is left-padded to 32 hex");
    assertNull(s.parentSpanId());
    assertTrue(s.segment());
    assertEquals("00000000000000a1" + TRACE64, s.segmentId());
    assertEquals("GET /cart/{id}", s.transaction(), "the route from Brave's span name, the method from its tag");
    assertEquals("route", s.transactionSource());
    assertEquals("http.server", s.op());
    assertEquals("http.server", s.transactionOp());
    assertEquals("GET /cart/42", s.description());
    assertEquals("ok", s.status());
    assertEquals("cart", s.service());
    assertEquals("cart@2.1", s.release());
    assertEquals("prod", s.environment());
    assertEquals("id:u-17", s.user());
    assertEquals("zipkin", s.platform());
    assertEquals(7, s.projectId());
    assertEquals(NOW, s.startUs());
    assertEquals(NOW + 1500, s.endUs());
    JsonNode d = data(s);
    assertEquals("GET", d.get("http.method").asText());
    assertEquals("/cart/42", d.get("http.path").asText());
    assertEquals("server", d.get("zipkin.kind").asText());
    assertEquals("get /cart/{id}", d.get("zipkin.name").asText(), "the Zipkin library lowercases names");
    assertEquals("{\"serviceName\":\"cart\",\"ipv4\":\"10.0.0.7\",\"port\":8080}", Json.text(d.get("zipkin.local_endpoint")));
    assertEquals("{\"ipv4\":\"192.168.1.2\",\"port\":51234}", Json.text(d.get("zipkin.remote_endpoint")));
    assertEquals("[{\"timestamp\":" + (NOW + 10) + ",\"value\":\"wr\"}]", Json.text(d.get("zipkin.annotations")));
    assertTrue(d.get("zipkin.debug").asBoolean());
    assertFalse(d.has("zipkin.shared"));

    SpanRow l = rows.get("00000000000000a2");
    assertEquals("00000000000000a1", l.parentSpanId());
    assertFalse(l.segment());
    assertEquals(s.segmentId(), l.segmentId());
    assertEquals("GET /cart/{id}", l.transaction());
    assertEquals("http.server", l.transactionOp(), "the transaction's op beside its own");
    assertEquals("default", l.op());
    assertEquals("load cart", l.description());
    assertFalse(data(l).has("zipkin.name"), "kept only when the description is not the name");

    SpanRow c = rows.get("00000000000000a3");
    assertFalse(c.segment());
    assertEquals(s.segmentId(), c.segmentId(), "joined through its local parent");
    assertEquals("http.server", c.transactionOp());
    assertEquals("http.client", c.op());
    assertEquals("POST /charge", c.description());
    assertEquals("unavailable", c.status());
    assertEquals("payments", data(c).get("zipkin.remote_endpoint").get("serviceName").asText());
  }

  @Test
  void sharedServerSpanIsAChildOfTheClientSpanWithTheSameId() {
    String x = "00000000000000b2";
    Span caller = span("00000000000000b1", null).kind(Span.Kind.SERVER).name("get").localEndpoint(service("frontend")).build();
    Span client = span(x, "00000000000000b1").kind(Span.Kind.CLIENT).name("get").localEndpoint(service("frontend"))
        .putTag("http.method", "GET").putTag("http.path", "/api").build();
    Span server = span(x, "00000000000000b1").kind(Span.Kind.SERVER).shared(true).name("get")
        .localEndpoint(service("backend")).putTag("http.method", "GET").putTag("http.path", "/api").build();
    Span serverChild = span("00000000000000b3", x).name("query").localEndpoint(service("backend")).build();
    Span clientChild = span("00000000000000b4", x).name("wire").localEndpoint(service("frontend")).build();
    Map<String, SpanRow> rows = map(caller, client, server, serverChild, clientChild);

    String serverId = ZipkinMapper.sharedSpanId(x);
    assertEquals(16, serverId.length());
    assertFalse(serverId.equals(x));
    assertEquals(serverId, ZipkinMapper.sharedSpanId(x), "derived, so a retried batch stores the same id");
    SpanRow c = rows.get(x);
    assertEquals("frontend", c.service());
    assertEquals("00000000000000b1", c.parentSpanId());
    assertFalse(c.segment());
    SpanRow s = rows.get(serverId);
    assertEquals("backend", s.service());
    assertEquals(x, s.parentSpanId(), "the server side is the client span's child");
    assertTrue(s.segment());
    assertEquals(serverId + TRACE64, s.segmentId());
    assertEquals("GET /api", s.transaction());
    assertTrue(data(s).get("zipkin.shared").asBoolean());
    assertEquals(x, data(s).get("zipkin.id").asText());
    SpanRow sc = rows.get("00000000000000b3");
    assertEquals(serverId, sc.parentSpanId(), "same local endpoint: the server's child");
    assertEquals(s.segmentId(), sc.segmentId());
    SpanRow cc = rows.get("00000000000000b4");
    assertEquals(x, cc.parentSpanId(), "the client's own child stays under the client span");
    assertEquals(rows.get("00000000000000b1").segmentId(), cc.segmentId());
  }

  @Test
  void transactionNames() {
    assertEquals(new TransactionNames.Named("GET /users/{id}", "route"), name(Map.of("http.method", "GET",
        "http.route", "/users/{id}", "http.path", "/users/7"), "get"));
    assertEquals(new TransactionNames.Named("GET /users/*", "sanitized"), name(Map.of("http.method", "GET",
        "http.path", "/users/12345"), "get"));
    assertEquals(new TransactionNames.Named("GET /users", "url"), name(Map.of("http.method", "GET",
        "http.path", "/users"), "get not_found"));
    assertEquals(new TransactionNames.Named("nightly-report", "custom"), name(Map.of(), "nightly-report"));
  }

  private static TransactionNames.Named name(Map<String, String> tags, String spanName) {
    Span.Builder b = span("00000000000000c1", null).kind(Span.Kind.SERVER).name(spanName);
    tags.forEach(b::putTag);
    return ZipkinMapper.transactionName(b.build(), TransactionNames.FIXED);
  }

  @Test
  void statuses() {
    assertEquals("ok", ZipkinMapper.status(Map.of()));
    assertEquals("ok", ZipkinMapper.status(Map.of("http.status_code", "302")));
    assertEquals("not_found", ZipkinMapper.status(Map.of("http.status_code", "404")));
    assertEquals("internal_error", ZipkinMapper.status(Map.of("http.status_code", "500", "error", "500")));
    assertEquals("internal_error", ZipkinMapper.status(Map.of("error", "boom")));
    assertEquals("internal_error", ZipkinMapper.status(Map.of("http.status_code", "x", "error", "boom")));
    assertEquals("unavailable", ZipkinMapper.status(Map.of("grpc.status_code", "UNAVAILABLE", "error", "UNAVAILABLE")));
    assertEquals("internal_error", ZipkinMapper.status(Map.of("grpc.status_code", "INTERNAL")));
    assertEquals("unknown", ZipkinMapper.status(Map.of("rpc.error_code", "UNKNOWN")));
    assertEquals("ok", ZipkinMapper.status(Map.of("grpc.status_code", "OK")));
  }

  @Test
  void opsByKindAndTags() {
    assertEquals("queue.publish", op(Span.Kind.PRODUCER, Map.of("kafka.topic", "orders")));
    assertEquals("queue.process", op(Span.Kind.CONSUMER, Map.of("kafka.topic", "orders")));
    assertEquals("rpc.client", op(Span.Kind.CLIENT, Map.of("rpc.method", "SayHello")));
    assertEquals("rpc.server", op(Span.Kind.SERVER, Map.of("grpc.status_code", "OK")));
    assertEquals("db", op(Span.Kind.CLIENT, Map.of("sql.query", "select 1")));
    assertEquals("http.client", op(Span.Kind.CLIENT, Map.of("http.url", "https://x.example/")));
    assertEquals("http.server", op(Span.Kind.SERVER, Map.of()));
    assertEquals("default", op(null, Map.of()));
    assertEquals("cache.get", op(Span.Kind.CLIENT, Map.of("sentry.op", "cache.get", "http.method", "GET")));
  }

  private static String op(Span.Kind kind, Map<String, String> tags) {
    Span.Builder b = span("00000000000000d1", null).kind(kind);
    tags.forEach(b::putTag);
    return ZipkinMapper.op(b.build());
  }

  @Test
  void consumerIsASegmentEvenWithAParent() {
    Span consumer = span("00000000000000e2", "00000000000000e1").kind(Span.Kind.CONSUMER).name("on-message")
        .localEndpoint(service("mailer")).build();
    SpanRow r = map(consumer).get("00000000000000e2");
    assertTrue(r.segment());
    assertEquals("00000000000000e1", r.parentSpanId());
    assertEquals("on-message", r.transaction());
    assertEquals("custom", r.transactionSource());
    assertEquals("queue.process", r.op());
  }

  @Test
  void zeroDurationKeptSpansWithoutTimestampDroppedAndCounted() {
    Span zero = Span.newBuilder().traceId(TRACE).id("00000000000000f1").timestamp(NOW).build();
    Span noTimestamp = Span.newBuilder().traceId(TRACE).id("00000000000000f2").build();
    Span overflow = Span.newBuilder().traceId(TRACE).id("00000000000000f3").timestamp(NOW).duration(Long.MAX_VALUE - 5).build();
    OtlpMapper.Mapped m = ZipkinMapper.map(List.of(zero, noTimestamp, overflow), 7, false, NOW, TransactionNames.FIXED);
    assertEquals(1, m.spans().size());
    SpanRow r = m.spans().get(0);
    assertEquals(NOW, r.startUs());
    assertEquals(NOW, r.endUs());
    assertEquals(TRACE, r.traceId(), "128-bit ids are kept");
    assertNull(r.transaction(), "no name to give");
    assertEquals(List.of(new ClientReportRow(7, NOW, "invalid_span", "span", 2)), m.drops());
  }

  @Test
  void scrubbing() {
    Span s = span("0000000000000101", null).name("charge").putTag("password", "hunter2")
        .putTag("http.method", "GET").putTag("http.url", "https://u:secret@pay.example/").build();
    SpanRow r = ZipkinMapper.map(List.of(s), 7, true, NOW, TransactionNames.FIXED).spans().get(0);
    assertEquals("[Filtered]", data(r).get("password").asText());
    assertEquals("GET https://[Filtered]:[Filtered]@pay.example/", r.description());
  }

  @Test
  void jsonAndProto3DecodeToTheSameRows() {
    List<Span> spans = List.of(
        span("0000000000000201", null).kind(Span.Kind.SERVER).name("get").localEndpoint(service("a"))
            .putTag("http.method", "GET").putTag("http.path", "/x").addAnnotation(NOW + 1, "ws").build(),
        span("0000000000000202", "0000000000000201").kind(Span.Kind.CLIENT).name("get").shared(true)
            .localEndpoint(service("a")).remoteEndpoint(service("b")).build());
    List<Span> fromJson = ZipkinMapper.parseJson(SpanBytesEncoder.JSON_V2.encodeList(spans));
    List<Span> fromProto = ZipkinMapper.parseProto3(SpanBytesEncoder.PROTO3.encodeList(spans));
    assertEquals(spans, fromJson);
    assertEquals(spans, fromProto);
    assertEquals(ZipkinMapper.map(fromJson, 1, false, NOW, TransactionNames.FIXED), ZipkinMapper.map(fromProto, 1, false, NOW, TransactionNames.FIXED));
    assertEquals(List.of(), ZipkinMapper.parseJson("[]".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void malformedBodiesAreRefusedWithTheDecodersMessage() {
    assertMalformed("Zipkin JSON v2: Malformed reading List<Span> from json", ZipkinMapper::parseJson, "[[[");
    assertMalformed("Zipkin JSON v2: traceId is all zeros", ZipkinMapper::parseJson,
        "[{\"traceId\":\"0000000000000000\",\"id\":\"0000000000000001\"}]");
    assertMalformed("Zipkin JSON v2: A1 should be lower-hex encoded", ZipkinMapper::parseJson,
        "[{\"traceId\":\"A1\",\"id\":\"0000000000000001\"}]");
    assertMalformed("Zipkin JSON v2: Missing : traceId", ZipkinMapper::parseJson, "[{\"id\":\"0000000000000001\"}]");
    IngestException e = assertThrows(IngestException.class, () -> ZipkinMapper.parseJson(
        "[{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"n\":true}}]".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("path $[0].tags.n"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    byte[] proto = SpanBytesEncoder.PROTO3.encodeList(List.of(span("0000000000000301", null).name("n").build()));
    IngestException t = assertThrows(IngestException.class,
        () -> ZipkinMapper.parseProto3(Arrays.copyOf(proto, proto.length - 1)));
    assertEquals(IngestException.Kind.MALFORMED, t.kind());
    assertTrue(t.getMessage().startsWith("Zipkin proto3: Truncated"), t.getMessage());
  }

  private static void assertMalformed(String prefix, java.util.function.Function<byte[], List<Span>> parse, String body) {
    IngestException e = assertThrows(IngestException.class, () -> parse.apply(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(IngestException.Kind.MALFORMED, e.kind());
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }
}
