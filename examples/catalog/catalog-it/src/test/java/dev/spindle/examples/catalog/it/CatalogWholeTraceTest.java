package dev.spindle.examples.catalog.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.examples.catalog.cli.CatalogClient;
import dev.spindle.examples.catalog.server.CatalogServer;
import dev.spindle.server.SpindleServer;
import dev.spindle.testsupport.SpindleApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's system done right, end to end: a real Spindle server (DuckDB in a temp folder), the
 * catalog server (in this JVM, with its own tracer) and the catalog CLI as a child JVM, as a user
 * runs it. The trace is read back from the query API and must be whole.
 */
@Timeout(120)
class CatalogWholeTraceTest {
  private static final Pattern TRACE_ID = Pattern.compile("trace_id=([0-9a-f]{32})");
  /** git and jq with their dependencies: git, jq, curl, openssl, zlib, pcre2, oniguruma. */
  private static final int RESOLVED = 7;

  @TempDir Path data;
  private SpindleServer spindle;
  private SpindleApi api;
  private Tracer catalogTracer;
  private CatalogServer catalog;

  private void start(double catalogServerRate) throws IOException {
    spindle = SpindleServer.builder().port(0).bind("127.0.0.1").dataDir(data)
        .out(new PrintStream(new ByteArrayOutputStream(), true)).start();
    api = new SpindleApi(spindle.url(), spindle.bootstrap().apiToken());
    catalogTracer = Tracer.create(new SpindleOptions().setDsn(dsn())
        .setTracesSampleRate(catalogServerRate).setTag("service.name", "catalog-server"));
    catalog = CatalogServer.start(new InetSocketAddress("127.0.0.1", 0), catalogTracer);
  }

  private String dsn() {
    return spindle.bootstrap().dsn();
  }

  @AfterEach
  void stop() {
    Spindle.close();
    if (catalog != null) catalog.close();
    if (catalogTracer != null) catalogTracer.close();
    if (spindle != null) spindle.close();
  }

  /** Output of one CLI run in a child JVM. */
  private record CliRun(int exit, String out, String err) {
    String traceId() {
      Matcher m = TRACE_ID.matcher(err);
      assertTrue(m.find(), "no trace_id=<32 hex> on stderr: " + err);
      return m.group(1);
    }
  }

  private CliRun runCli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.spindle.examples.catalog.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("SPINDLE_") || k.startsWith("CATALOG_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> out = read(p.getInputStream());
    CompletableFuture<String> err = read(p.getErrorStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the CLI did not exit within 60 s");
    }
    return new CliRun(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<" + e + ">";
      }
    });
  }

  @Test
  void oneInstallCommandIsOneWholeTrace() throws Exception {
    // The catalog server's own rate is 0: its transactions are kept only because it follows the
    // CLI's decision (head-based sampling).
    start(0.0);
    CliRun run = runCli(Map.of("SPINDLE_DSN", dsn()),
        "--server", catalog.url(), "--print-trace-id", "install", "git", "jq");
    assertEquals(0, run.exit(), run.err());
    assertEquals(RESOLVED, run.out().lines().filter(l -> l.startsWith("install ")).count(), run.out());
    String traceId = run.traceId();

    // 1 CLI transaction + 1 resolve + 1 versions request per resolved package
    JsonNode trace = api.awaitTrace(traceId, 2 + RESOLVED);
    List<JsonNode> txs = list(trace.path("transactions"));
    assertEquals(2 + RESOLVED, txs.size(), trace.toPrettyString());
    assertEquals(0, trace.path("looseSpans").size(), "loose spans: " + trace.path("looseSpans"));

    List<JsonNode> roots = txs.stream().filter(t -> t.path("parentSpanId").isNull()).toList();
    assertEquals(1, roots.size(), "roots: " + roots);
    JsonNode root = roots.get(0);
    assertEquals("catalog install", root.path("name").asText());
    assertEquals("cli", root.path("op").asText());
    assertEquals("catalog-cli", root.path("service").asText());
    for (JsonNode t : txs) assertFalse(t.path("orphan").asBoolean(), "orphan: " + t);

    // The CLI's http.client spans by "<METHOD> <path>".
    Map<String, JsonNode> clientSpans = new HashMap<>();
    String fetchSpanId = null;
    for (JsonNode s : root.path("spans")) {
      if (s.path("op").asText().equals("catalog.fetch_versions")) fetchSpanId = s.path("spanId").asText();
      if (!s.path("op").asText().equals("http.client")) continue;
      String[] desc = s.path("description").asText().split(" ", 2);
      String key = desc[0] + " " + URI.create(desc[1]).getRawPath();
      assertNull(clientSpans.put(key, s), "two requests to " + key);
    }
    assertNotNull(fetchSpanId, "no catalog.fetch_versions span");
    assertEquals(1 + RESOLVED, clientSpans.size(), clientSpans.keySet().toString());
    assertEquals(root.path("spanId").asText(), clientSpans.get("POST /resolve").path("parentSpanId").asText());

    int versionRequests = 0;
    for (JsonNode t : txs) {
      if (t == root) continue;
      assertEquals("http.server", t.path("op").asText(), t.toString());
      assertEquals("catalog-server", t.path("service").asText());
      String method = t.path("name").asText().split(" ")[0];
      String path = data(t).path("url.path").asText();
      JsonNode clientSpan = clientSpans.get(method + " " + path);
      assertNotNull(clientSpan, "no http.client span for " + method + " " + path + " in " + clientSpans.keySet());
      assertEquals(clientSpan.path("spanId").asText(), t.path("parentSpanId").asText(),
          "the server transaction of " + method + " " + path + " hangs under the wrong span");
      assertEquals("ok", clientSpan.path("status").asText());
      assertEquals(200, data(clientSpan).path("http.response.status_code").asInt());
      if (path.endsWith("/versions")) {
        versionRequests++;
        assertEquals("GET /packages/{name}/versions", t.path("name").asText());
        assertEquals(fetchSpanId, clientSpan.path("parentSpanId").asText(), "versions fetched outside fetch span");
      }
      List<JsonNode> queries = list(t.path("spans")).stream()
          .filter(s -> s.path("op").asText().equals("db.query")).toList();
      assertFalse(queries.isEmpty(), "no db.query span under " + t.path("name").asText());
      for (JsonNode q : queries) {
        assertFalse(q.path("description").asText().contains("'git'"), "SQL with a parameter: " + q);
      }
    }
    assertEquals(RESOLVED, versionRequests);
  }

  @Test
  void sampleRateZeroStoresNothingFromAnyone() throws Exception {
    // The catalog server would sample everything on its own; the CLI decides "no" at the head.
    start(1.0);
    CliRun run = runCli(Map.of("SPINDLE_DSN", dsn(), "SPINDLE_TRACES_SAMPLE_RATE", "0"),
        "--server", catalog.url(), "--print-trace-id", "install", "git", "jq");
    assertEquals(0, run.exit(), run.err());
    String traceId = run.traceId();
    assertTrue(catalogTracer.flush(Duration.ofSeconds(10)));

    // Both SDKs report what they dropped for the sample rate (client reports): wait for all of it,
    // so that anything they might have sent has arrived too.
    api.await("/api/v1/outcomes", o -> sampleRateDrops(o) >= 2 + RESOLVED,
        (2 + RESOLVED) + " transactions reported as dropped for the sample rate");
    JsonNode outcomes = api.get("/api/v1/outcomes").body();
    assertEquals(2 + RESOLVED, sampleRateDrops(outcomes), outcomes.toString());

    assertEquals(404, api.get("/api/v1/traces/" + traceId).status());
    JsonNode traces = api.get("/api/v1/traces").body();
    assertEquals(0, traces.path("data").size(), "stored: " + traces);
  }

  /** The seed's bug one level up: the client is built under span A, requests are sent under B. */
  @Test
  void clientBuiltUnderOneSpanSendsUnderTheCurrentOne() throws Exception {
    start(1.0);
    Spindle.init(new SpindleOptions().setDsn(dsn()).setTracesSampleRate(1.0).setTag("service.name", "catalog-cli"));
    Transaction a = Spindle.startTransaction("A: build the client", "test");
    CatalogClient client;
    try (Scope s = a.makeCurrent()) {
      client = CatalogClient.create(catalog.url());
    }
    a.finish();
    Transaction b = Spindle.startTransaction("B: use it", "test");
    try (Scope s = b.makeCurrent()) {
      client.call(() -> client.api().searchPackages("ssl", null));
      client.call(() -> client.api().listVersions("openssl"));
    }
    b.finish();
    assertTrue(Spindle.flush(Duration.ofSeconds(10)));

    JsonNode traceB = api.awaitTrace(b.traceId(), 3);
    JsonNode txB = list(traceB.path("transactions")).stream()
        .filter(t -> t.path("spanId").asText().equals(b.spanId())).findFirst().orElseThrow();
    List<String> clientSpanIds = list(txB.path("spans")).stream()
        .filter(s -> s.path("op").asText().equals("http.client")).map(s -> s.path("spanId").asText()).toList();
    assertEquals(2, clientSpanIds.size(), txB.toString());
    for (JsonNode t : list(traceB.path("transactions"))) {
      if (t == txB) continue;
      assertTrue(clientSpanIds.contains(t.path("parentSpanId").asText()), "not under B's requests: " + t);
      assertFalse(t.path("orphan").asBoolean());
    }
    JsonNode traceA = api.awaitTrace(a.traceId(), 1);
    assertEquals(1, traceA.path("transactions").size(), "A made no request: " + traceA);
  }

  private static long sampleRateDrops(JsonNode outcomes) {
    long n = 0;
    for (JsonNode o : outcomes.path("data")) {
      if (o.path("reason").asText().equals("sample_rate") && o.path("category").asText().equals("transaction")) {
        n += o.path("quantity").asLong();
      }
    }
    return n;
  }

  /** A span's data, as the query API shows it. */
  private static JsonNode data(JsonNode span) {
    return span.path("data");
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

}
