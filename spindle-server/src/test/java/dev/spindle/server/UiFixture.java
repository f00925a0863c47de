package dev.spindle.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds a running server through the real envelope endpoint with what the web UI must show:
 * a checkout trace across three services with a skewed clock, an orphan transaction, a gap of
 * missing instrumentation and an error at a span; plus other transactions for the overview.
 */
final class UiFixture {
  final TestServer ts;
  final double now = TestServer.nowSec() - 60;
  /** The slowest checkout trace (the one with everything in it). */
  String traceId;
  String rootSpanId;
  String paySpanId;
  String childTxnSpanId;
  String dbSpanId;
  String orphanSpanId;
  String errorEventId;
  long paymentsProject;
  String paymentsKey;

  UiFixture(TestServer ts) {
    this.ts = ts;
  }

  /** A span object. */
  static ObjectNode span(String traceId, String spanId, String parent, String op, String desc, double start, double end) {
    ObjectNode s = Json.object();
    s.put("trace_id", traceId).put("span_id", spanId).put("parent_span_id", parent).put("op", op)
        .put("description", desc).put("start_timestamp", start).put("timestamp", end).put("status", "ok");
    return s;
  }

  /** A transaction event object with its spans. */
  static ObjectNode transaction(String traceId, String spanId, String parent, String name, String service,
      double start, double end, String status, List<ObjectNode> spans) {
    ObjectNode t = Json.object();
    t.put("type", "transaction").put("event_id", TestServer.hex(32)).put("transaction", name)
        .put("start_timestamp", start).put("timestamp", end).put("platform", "java")
        .put("environment", "production").put("release", "shop@1.4.2");
    t.putObject("transaction_info").put("source", "route");
    ObjectNode trace = t.putObject("contexts").putObject("trace");
    trace.put("trace_id", traceId).put("span_id", spanId).put("op", name.startsWith("GET") || name.startsWith("POST") ? "http.server" : "task")
        .put("status", status);
    if (parent != null) trace.put("parent_span_id", parent);
    t.putObject("tags").put("service.name", service).put("region", "eu-west");
    t.putObject("user").put("id", "user-" + (spanId.hashCode() & 7));
    ArrayNode arr = t.putArray("spans");
    spans.forEach(arr::add);
    return t;
  }

  void send(long project, String key, ObjectNode item) {
    String payload = Json.text(item);
    String type = item.path("type").asText("event");
    String env = "{\"event_id\":\"" + item.path("event_id").asText() + "\"}\n{\"type\":\"" + type + "\",\"length\":"
        + payload.getBytes(StandardCharsets.UTF_8).length + "}\n" + payload + "\n";
    HttpResponse<String> r = ts.postEnvelope(project, env.getBytes(StandardCharsets.UTF_8), "sentry_key=" + key, null);
    if (r.statusCode() != 200) throw new AssertionError("envelope refused: " + r.statusCode() + " " + r.body());
  }

  /** Creates the second project and sends everything. */
  UiFixture seed() {
    HttpResponse<String> created = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/api/v1/projects"))
        .header("Authorization", "Bearer " + ts.token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"payments\"}")));
    JsonNode p = TestServer.json(created.body());
    paymentsProject = p.get("id").asLong();
    paymentsKey = TestServer.publicKey(p.get("dsn").asText());

    // The slow checkout trace, 1.4 s in all.
    traceId = TestServer.hex(32);
    rootSpanId = TestServer.hex(16);
    paySpanId = TestServer.hex(16);
    childTxnSpanId = TestServer.hex(16);
    dbSpanId = TestServer.hex(16);
    orphanSpanId = TestServer.hex(16);
    double t0 = now - 30;
    List<ObjectNode> rootSpans = new ArrayList<>();
    ObjectNode user = span(traceId, TestServer.hex(16), rootSpanId, "db.query", "SELECT * FROM users WHERE id = ?", t0 + 0.005, t0 + 0.080);
    user.putObject("data").put("db.system", "postgresql").put("db.rows", 1);
    user.putObject("tags").put("db.table", "users");
    rootSpans.add(user);
    rootSpans.add(span(traceId, paySpanId, rootSpanId, "http.client", "POST http://payments/pay", t0 + 0.100, t0 + 0.900));
    rootSpans.add(span(traceId, TestServer.hex(16), rootSpanId, "template.render", "checkout.html", t0 + 1.050, t0 + 1.150));
    send(1, ts.key, transaction(traceId, rootSpanId, null, "GET /checkout", "shop-web", t0, t0 + 1.200, "ok", rootSpans));

    // The payments service's clock is 350 ms behind: its transaction seems to start before the call.
    double c0 = t0 + 0.150 - 0.350;
    List<ObjectNode> paySpans = new ArrayList<>();
    paySpans.add(span(traceId, dbSpanId, childTxnSpanId, "db.query", "UPDATE accounts SET balance = balance - ?", c0 + 0.010, c0 + 0.300));
    paySpans.add(span(traceId, TestServer.hex(16), childTxnSpanId, "cache.get", "card:tokens", c0 + 0.450, c0 + 0.480));
    send(paymentsProject, paymentsKey, transaction(traceId, childTxnSpanId, paySpanId, "POST /pay", "payments",
        c0, c0 + 0.600, "internal_error", paySpans));

    // The mailer's parent span never arrived: an orphan.
    List<ObjectNode> mailSpans = List.of(span(traceId, TestServer.hex(16), orphanSpanId, "smtp.send", "send receipt", t0 + 1.150, t0 + 1.350));
    send(1, ts.key, transaction(traceId, orphanSpanId, TestServer.hex(16), "send-receipt", "mailer", t0 + 1.100, t0 + 1.400, "ok", mailSpans));

    // An error at the payments database span.
    errorEventId = TestServer.hex(32);
    ObjectNode err = Json.object();
    err.put("event_id", errorEventId).put("timestamp", c0 + 0.300).put("level", "error").put("platform", "java")
        .put("transaction", "POST /pay");
    err.putObject("contexts").putObject("trace").put("trace_id", traceId).put("span_id", dbSpanId);
    err.putObject("exception").putArray("values").addObject().put("type", "PaymentDeclined").put("value", "card declined by issuer");
    send(paymentsProject, paymentsKey, err);

    // Other traffic: many fast health checks, a few slow searches, more (faster) checkouts.
    for (int i = 0; i < 12; i++) {
      String tr = TestServer.hex(32);
      double s = now - 600 - i * 30;
      send(1, ts.key, transaction(tr, TestServer.hex(16), null, "GET /health", "shop-web", s, s + 0.004 + i * 0.0005, "ok", List.of()));
    }
    for (int i = 0; i < 4; i++) {
      String tr = TestServer.hex(32);
      String sp = TestServer.hex(16);
      double s = now - 900 - i * 45;
      send(1, ts.key, transaction(tr, sp, null, "GET /search", "shop-web", s, s + 1.8 + i * 0.2, i == 0 ? "deadline_exceeded" : "ok",
          List.of(span(tr, TestServer.hex(16), sp, "db.query", "SELECT * FROM products WHERE name LIKE ?", s + 0.01, s + 1.7))));
    }
    for (int i = 0; i < 5; i++) {
      String tr = TestServer.hex(32);
      String sp = TestServer.hex(16);
      double s = now - 1200 - i * 60;
      send(1, ts.key, transaction(tr, sp, null, "GET /checkout", "shop-web", s, s + 0.2 + i * 0.08, "ok",
          List.of(span(tr, TestServer.hex(16), sp, "db.query", "SELECT * FROM carts", s + 0.01, s + 0.09),
              span(tr, TestServer.hex(16), sp, "http.client", "POST http://payments/pay", s + 0.1, s + 0.18 + i * 0.07))));
    }
    return this;
  }

  /** One transaction of {@code spans} spans (a root and a tree of children 4 deep), for the benchmark. */
  String seedLargeTrace(int spans) {
    String tr = TestServer.hex(32);
    String root = TestServer.hex(16);
    double s = now - 10;
    List<ObjectNode> list = new ArrayList<>();
    List<String> parents = new ArrayList<>();
    parents.add(root);
    for (int i = 1; i < spans; i++) {
      String id = TestServer.hex(16);
      String parent = parents.get(i < 50 ? 0 : (i * 7919) % parents.size());
      double st = s + (i % 1000) * 0.002;
      list.add(span(tr, id, parent, i % 3 == 0 ? "db.query" : i % 3 == 1 ? "http.client" : "serialize", "work " + i, st, st + 0.0015));
      parents.add(id);
    }
    send(1, ts.key, transaction(tr, root, null, "GET /big", "shop-web", s, s + 2.1, "ok", list));
    return tr;
  }
}
