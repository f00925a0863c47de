package dev.spindle.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;

/** A running server on a temporary data folder, with small HTTP helpers. */
final class TestServer implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final SpindleServer server;
  final String base;
  final String key;
  final String token;

  TestServer(Path dir) {
    this(SpindleServer.builder().port(0).dataDir(dir));
  }

  TestServer(SpindleServer.Builder builder) {
    server = builder.out(new PrintStream(new ByteArrayOutputStream(), true)).start();
    base = server.url();
    // A restart on a used data folder creates nothing: no key or token then.
    key = server.bootstrap().dsn() == null ? null : TestServer.publicKey(server.bootstrap().dsn());
    token = server.bootstrap().apiToken();
  }

  /** The public key of a DSN ({@code http://<key>@host:port/<project>}). */
  static String publicKey(String dsn) {
    return java.net.URI.create(dsn).getUserInfo();
  }

  @Override
  public void close() {
    server.close();
  }

  static String hex(int n) {
    StringBuilder b = new StringBuilder();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
    b.setCharAt(0, 'a');
    return b.toString();
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> postEnvelope(String envelope) {
    return postEnvelope(1, envelope.getBytes(StandardCharsets.UTF_8), "sentry_key=" + key, null);
  }

  HttpResponse<String> postEnvelope(long project, byte[] body, String query, String encoding) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/" + project + "/envelope/"
        + (query == null ? "" : "?" + query)))
        .header("Content-Type", "application/x-sentry-envelope")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) b.header("Content-Encoding", encoding);
    return send(b);
  }

  HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).header("Authorization", "Bearer " + token).GET());
  }

  /** Polls the trace endpoint until the trace is there with {@code transactions} transactions (clients send asynchronously). */
  JsonNode awaitTrace(String traceId, int transactions) throws InterruptedException {
    HttpResponse<String> r = null;
    for (int i = 0; i < 100; i++) {
      r = get("/api/v1/traces/" + traceId);
      if (r.statusCode() == 200 && json(r.body()).get("transactions").size() >= transactions) return json(r.body());
      Thread.sleep(100);
    }
    throw new AssertionError("trace " + traceId + " never arrived: " + (r == null ? null : r.statusCode() + " " + r.body()));
  }

  JsonNode getJson(String pathAndQuery) {
    HttpResponse<String> r = get(pathAndQuery);
    if (r.statusCode() != 200) throw new AssertionError(pathAndQuery + " -> " + r.statusCode() + " " + r.body());
    return json(r.body());
  }

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  static byte[] gzip(byte[] b) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(out)) {
        g.write(b);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A transaction envelope: a root span and {@code children} child spans, ending now. */
  static String transaction(String traceId, String eventId, String rootSpanId, String parentSpanId,
      String name, double startSec, double endSec, int children) {
    StringBuilder spans = new StringBuilder();
    for (int i = 0; i < children; i++) {
      if (i > 0) spans.append(',');
      spans.append("{\"span_id\":\"").append(hex(16)).append("\",\"parent_span_id\":\"").append(rootSpanId)
          .append("\",\"trace_id\":\"").append(traceId).append("\",\"op\":\"db.query\",\"description\":\"SELECT ").append(i)
          .append("\",\"start_timestamp\":").append(startSec + 0.001).append(",\"timestamp\":").append(endSec - 0.001)
          .append(",\"status\":\"ok\"}");
    }
    String payload = "{\"type\":\"transaction\",\"event_id\":\"" + eventId + "\",\"transaction\":\"" + name
        + "\",\"transaction_info\":{\"source\":\"route\"},\"start_timestamp\":" + startSec + ",\"timestamp\":" + endSec
        + ",\"contexts\":{\"trace\":{\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + rootSpanId + "\""
        + (parentSpanId == null ? "" : ",\"parent_span_id\":\"" + parentSpanId + "\"")
        + ",\"op\":\"http.server\",\"status\":\"ok\"}},\"spans\":[" + spans + "],\"platform\":\"java\"}";
    return "{\"event_id\":\"" + eventId + "\",\"sent_at\":\"2026-01-01T00:00:00Z\"}\n{\"type\":\"transaction\",\"length\":"
        + payload.getBytes(StandardCharsets.UTF_8).length + "}\n" + payload + "\n";
  }

  static double nowSec() {
    return System.currentTimeMillis() / 1000.0;
  }
}
