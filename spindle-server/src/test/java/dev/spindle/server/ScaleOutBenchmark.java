package dev.spindle.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.clickhouse.ClickHouseStorage;
import dev.spindle.storage.clickhouse.LocalClickHouse;
import dev.spindle.testsupport.KafkaTestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out figures of BENCHMARKS.md, measured in one run on this machine (not a test: it
 * asserts nothing and runs only with {@code -Dspindle.bench=true}):
 *
 * <ol>
 *   <li>ingestion, real Sentry envelopes (1 root + 20 spans, fresh ids) over HTTP from
 *       {@code spindle.bench.clients} threads: single-node DuckDB ({@code --role all}) beside
 *       {@code ingest → Kafka → writer → ClickHouse} (acknowledged when Kafka has it; stored when
 *       ClickHouse has every row);
 *   <li>bytes per span on ClickHouse after merges;
 *   <li>trace-by-id and 24 h summary latency through the query API over
 *       {@code spindle.bench.storedSpans} spans bulk-loaded over the last 24 h.
 * </ol>
 *
 * <pre>mvn -pl spindle-server -am test -Dtest=ScaleOutBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dspindle.bench=true \
 *   [-Dspindle.bench.transactions=20000] [-Dspindle.bench.clients=8] [-Dspindle.bench.storedSpans=10000000]</pre>
 */
@EnabledIfSystemProperty(named = "spindle.bench", matches = "true")
class ScaleOutBenchmark {
  private static final int CHILDREN = 20;
  private static final PrintStream OUT = System.out;

  @TempDir Path dir;

  private static int intProp(String name, int def) {
    return Integer.parseInt(System.getProperty(name, String.valueOf(def)));
  }

  /** Sends {@code n} transactions to {@code url}; returns the seconds until all were acknowledged. */
  private static double send(String url, String key, int n, int clients, List<String> traceIds) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      pool.execute(() -> {
        int i;
        while ((i = next.getAndIncrement()) < n) {
          String traceId = traceIds.get(i);
          double now = TestServer.nowSec();
          String env = TestServer.transaction(traceId, TestServer.hex(32), TestServer.hex(16), null,
              "GET /bench/" + (i % 50), now - 0.3, now, CHILDREN);
          for (int attempt = 0; attempt < 50; attempt++) {
            try {
              HttpResponse<Void> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/1/envelope/?sentry_key=" + key))
                  .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(env)).build(),
                  HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() == 200) break;
              Thread.sleep(50); // 503 Retry-After: back off briefly
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              failures.incrementAndGet();
            }
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.MINUTES);
    double s = (System.nanoTime() - t0) / 1e9;
    if (failures.get() > 0) OUT.println("  (" + failures.get() + " failed sends, retried)");
    return s;
  }

  private static List<String> ids(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(TestServer.hex(32));
    return out;
  }

  private static SpindleServer quiet(SpindleServer.Builder b) {
    return b.port(0).out(new PrintStream(new ByteArrayOutputStream(), true)).start();
  }

  @Test
  void scaleOut() throws Exception {
    int transactions = intProp("spindle.bench.transactions", 20_000);
    int clients = intProp("spindle.bench.clients", 8);
    long spans = transactions * (1L + CHILDREN);
    String clickhouse = LocalClickHouse.url();
    OUT.printf(Locale.ROOT, "%n== Scale-out benchmark: %d transactions x %d spans = %d spans, %d client threads, %d cores%n",
        transactions, 1 + CHILDREN, spans, clients, Runtime.getRuntime().availableProcessors());

    // 1a. Single node, DuckDB, durable on 2xx.
    try (SpindleServer all = quiet(SpindleServer.builder().dataDir(dir.resolve("duckdb")))) {
      String key = TestServer.publicKey(all.bootstrap().dsn());
      send(all.url(), key, Math.min(2000, transactions), clients, ids(Math.min(2000, transactions))); // warm-up
      double s = send(all.url(), key, transactions, clients, ids(transactions));
      OUT.printf(Locale.ROOT, "single node DuckDB (role all): %.0f spans/s acknowledged durable (%.1f s)%n", spans / s, s);
    }
    long duckBytes = Files.size(dir.resolve("duckdb").resolve(dev.spindle.storage.duckdb.DuckDbStorageProvider.FILE));
    OUT.printf(Locale.ROOT, "  DuckDB file: %d bytes for %d spans (incl. warm-up)%n", duckBytes, spans + Math.min(2000, transactions) * 21L);

    // 1b. ingest -> Kafka -> writer -> ClickHouse.
    String db = "spindle_bench_" + Long.toHexString(System.nanoTime());
    try (KafkaTestBroker kafka = KafkaTestBroker.start(dir.resolve("kafka"))) {
      Map<String, String> k = Map.of("bootstrap", kafka.bootstrap, "partitions", "4", "replication-factor", "1");
      ClickHouseStorage counter = ClickHouseStorage.builder(clickhouse).database(db).open();
      try (SpindleServer query = quiet(SpindleServer.builder().role(Role.QUERY).storage(ClickHouseStorage.builder(clickhouse).database(db).open()));
          SpindleServer ingest = quiet(SpindleServer.builder().role(Role.INGEST).batchQueue("kafka", k).storage(ClickHouseStorage.builder(clickhouse).database(db).open()));
          SpindleServer writer = quiet(SpindleServer.builder().role(Role.WRITER)
              .batchQueue("kafka", Map.of("bootstrap", kafka.bootstrap, "partitions", "4", "replication-factor", "1",
                  "max-records-per-poll", "5000"))
              .storage(ClickHouseStorage.builder(clickhouse).database(db).open()))) {
        String key = TestServer.publicKey(query.bootstrap().dsn());
        int warm = Math.min(2000, transactions);
        send(ingest.url(), key, warm, clients, ids(warm));
        long expected = warm * (1L + CHILDREN);
        while (counter.spanTableSize()[1] < expected) Thread.sleep(50);
        long t0 = System.nanoTime();
        double s = send(ingest.url(), key, transactions, clients, ids(transactions));
        expected += spans;
        while (counter.spanTableSize()[1] < expected) Thread.sleep(20);
        double stored = (System.nanoTime() - t0) / 1e9;
        OUT.printf(Locale.ROOT, "ingest -> Kafka -> writer -> ClickHouse: %.0f spans/s acknowledged (in Kafka, %.1f s), "
            + "%.0f spans/s stored end to end (%.1f s)%n", spans / s, s, spans / stored, stored);
        counter.optimize();
        long[] size = counter.spanTableSize();
        OUT.printf(Locale.ROOT, "  ClickHouse span table after merges: %d bytes for %d spans = %.1f bytes/span%n",
            size[0], size[1], size[0] / (double) size[1]);
      } finally {
        counter.dropAll();
      }
    }

    // 2. Latencies over a bulk-loaded day.
    int stored = intProp("spindle.bench.storedSpans", 10_000_000);
    latencies(clickhouse, stored);
  }

  private void latencies(String clickhouse, int storedSpans) throws Exception {
    String db = "spindle_bench_big_" + Long.toHexString(System.nanoTime());
    ClickHouseStorage s = ClickHouseStorage.builder(clickhouse).database(db).open();
    try {
      int txns = storedSpans / (1 + CHILDREN);
      long now = System.currentTimeMillis() * 1000;
      long day = 86_400_000_000L;
      List<String> sample = new ArrayList<>();
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String[] ops = {"db.query", "http.client", "cache.get", "serialize"};
      long t0 = System.nanoTime();
      List<SpanRow> batch = new ArrayList<>();
      for (int i = 0; i < txns; i++) {
        String traceId = TestServer.hex(32);
        if (i % Math.max(1, txns / 500) == 0) sample.add(traceId);
        long end = now - (long) (r.nextDouble() * day);
        long dur = 5_000 + r.nextInt(2_000_000);
        SpanRow root = SpanRow.builder().projectId(1).traceId(traceId).spanId(TestServer.hex(16))
            .segmentId(TestServer.hex(32)).segment(true).transaction("GET /api/v1/items/" + (i % 200))
            .transactionSource("route").op("http.server").status(r.nextInt(50) == 0 ? "internal_error" : "ok")
            .startUs(end - dur).endUs(end).tag("http.method", "GET").tag("region", r.nextBoolean() ? "eu" : "us")
            .release("shop@1." + (i % 5)).environment("production").user("id:" + r.nextInt(5000))
            .service("shop").platform("java").build();
        batch.add(root);
        for (int c = 0; c < CHILDREN; c++) {
          long st = root.startUs() + (long) c * dur / CHILDREN;
          batch.add(SpanRow.builder().projectId(1).traceId(traceId).spanId(TestServer.hex(16))
              .parentSpanId(root.spanId()).segmentId(root.segmentId()).transaction(root.transaction())
              .op(ops[c % ops.length]).description("SELECT * FROM items WHERE id = ? /* " + (c % 7) + " */")
              .startUs(st).endUs(st + dur / CHILDREN / 2).build());
        }
        if (batch.size() >= 105_000) {
          s.writer().write(WriteBatch.ofSpans(batch));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) s.writer().write(WriteBatch.ofSpans(batch));
      double loadS = (System.nanoTime() - t0) / 1e9;
      s.optimize();
      long[] size = s.spanTableSize();
      OUT.printf(Locale.ROOT, "%nbulk load of %d spans over 24 h straight into ClickHouse (no HTTP/Kafka): %.1f s (%.0f spans/s); "
          + "%.1f bytes/span after merges%n", size[1], loadS, size[1] / loadS, size[0] / (double) size[1]);

      try (SpindleServer query = quiet(SpindleServer.builder().role(Role.QUERY).storage(ClickHouseStorage.builder(clickhouse).database(db).open()))) {
        String token = query.bootstrap().apiToken();
        for (int i = 0; i < 20; i++) get(query, token, "/api/v1/traces/" + sample.get(i)); // warm-up
        double[] byId = new double[sample.size()];
        for (int i = 0; i < sample.size(); i++) {
          long a = System.nanoTime();
          JsonNode t = TestServer.json(get(query, token, "/api/v1/traces/" + sample.get(i)));
          byId[i] = (System.nanoTime() - a) / 1e6;
          if (t.get("transactions").get(0).get("spans").size() != CHILDREN) throw new AssertionError("incomplete trace");
        }
        double[] summary = new double[10];
        get(query, token, "/api/v1/transactions?statsPeriod=24h");
        for (int i = 0; i < summary.length; i++) {
          long a = System.nanoTime();
          get(query, token, "/api/v1/transactions?statsPeriod=24h");
          summary[i] = (System.nanoTime() - a) / 1e6;
        }
        OUT.printf(Locale.ROOT, "trace by id over the query API: p50 %.1f ms, p95 %.1f ms (%d traces)%n",
            pct(byId, 0.5), pct(byId, 0.95), byId.length);
        OUT.printf(Locale.ROOT, "24 h transactions summary over the query API: p50 %.0f ms, max %.0f ms (%d runs)%n",
            pct(summary, 0.5), pct(summary, 1.0), summary.length);
      }
    } finally {
      s.dropAll();
    }
  }

  private static String get(SpindleServer server, String token, String path) throws Exception {
    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError(path + " -> " + r.statusCode() + " " + r.body());
    return r.body();
  }

  private static double pct(double[] values, double p) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[Math.min(v.length - 1, (int) Math.ceil(p * v.length) - 1 < 0 ? 0 : (int) Math.ceil(p * v.length) - 1)];
  }
}
