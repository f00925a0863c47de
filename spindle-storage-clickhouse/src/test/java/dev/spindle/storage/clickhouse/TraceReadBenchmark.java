package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Bytes per span and trace by id on a bulk-loaded span table (BENCHMARKS.md, "ClickHouse at
 * scale"; not a test: it asserts only that every trace read finds its spans, and runs only with
 * {@code -Dspindle.bench=true}). Loads {@code spindle.bench.spans} spans (transactions of 1 root
 * + 20 children, the shape of {@code ScaleOutBenchmark}'s bulk load) spread over the last
 * {@code spindle.bench.days} days through {@link ClickHouseStorage}, then reads
 * {@code spindle.bench.samples} traces by id two ways, alternating: the span SELECT without the
 * trace index (as before it) and with it. Besides wall time (noise on a loaded machine), it
 * prints ClickHouse's own counters per read ({@code system.events}: parts and marks selected,
 * compressed bytes read, the server's CPU time), which do not depend on the machine's load.
 *
 * <pre>mvn -pl spindle-storage-clickhouse -am test -Dtest=TraceReadBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dspindle.bench=true [-Dspindle.bench.spans=2000000] [-Dspindle.bench.days=7] [-Dspindle.bench.samples=500]</pre>
 */
@EnabledIfSystemProperty(named = "spindle.bench", matches = "true")
class TraceReadBenchmark {
  private static final int CHILDREN = 20;
  private static final PrintStream OUT = System.out;
  private static final List<String> EVENTS = List.of("SelectedParts", "SelectedMarks", "ReadCompressedBytes",
      "UserTimeMicroseconds", "SystemTimeMicroseconds");

  private static int intProp(String name, int def) {
    return Integer.parseInt(System.getProperty(name, String.valueOf(def)));
  }

  private static String hex(int n) {
    StringBuilder b = new StringBuilder(n);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
    return b.toString();
  }

  @Test
  void traceReads() throws Exception {
    int spans = intProp("spindle.bench.spans", 2_000_000);
    int days = intProp("spindle.bench.days", 7);
    int samples = intProp("spindle.bench.samples", 500);
    String url = LocalClickHouse.url();
    String db = "spindle_bench_read_" + Long.toHexString(System.nanoTime());
    ClickHouseHttp http = new ClickHouseHttp(url, null, null, Duration.ofSeconds(600));
    try (ClickHouseStorage s = ClickHouseStorage.builder(url).database(db).timeout(Duration.ofSeconds(600)).open()) {
      try {
        List<String> sample = load(s, spans, days, samples);
        awaitMerges(http);
        OUT.printf(Locale.ROOT, "%n== %d spans over %d days, ClickHouse %s%n", s.spanTableSize()[1], days, s.serverVersion());
        reads(s, http, db, sample, "as loaded");
        s.optimize();
        awaitMerges(http);
        reads(s, http, db, sample, "after OPTIMIZE FINAL");
        sizes(s, http, db);
      } finally {
        s.dropAll();
      }
    }
  }

  private static List<String> load(ClickHouseStorage s, int spans, int days, int samples) {
    int txns = spans / (1 + CHILDREN);
    long now = System.currentTimeMillis() * 1000;
    long window = days * 86_400_000_000L;
    List<String> sample = new ArrayList<>();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String[] ops = {"db.query", "http.client", "cache.get", "serialize"};
    long t0 = System.nanoTime();
    List<SpanRow> batch = new ArrayList<>();
    for (int i = 0; i < txns; i++) {
      String traceId = hex(32);
      if (i % Math.max(1, txns / samples) == 0) sample.add(traceId);
      // Spread over the window in time order, as live traffic arrives (a batch covers minutes).
      long end = now - window + (long) ((i + r.nextDouble()) * window / txns);
      long dur = 5_000 + r.nextInt(2_000_000);
      SpanRow root = SpanRow.builder().projectId(1).traceId(traceId).spanId(hex(16))
          .segmentId(hex(32)).segment(true).transaction("GET /api/v1/items/" + (i % 200))
          .transactionSource("route").op("http.server").status(r.nextInt(50) == 0 ? "internal_error" : "ok")
          .startUs(end - dur).endUs(end).tag("http.method", "GET").tag("region", r.nextBoolean() ? "eu" : "us")
          .release("shop@1." + (i % 5)).environment("production").user("id:" + r.nextInt(5000))
          .service("shop").platform("java").build();
      batch.add(root);
      for (int c = 0; c < CHILDREN; c++) {
        long st = root.startUs() + (long) c * dur / CHILDREN;
        batch.add(SpanRow.builder().projectId(1).traceId(traceId).spanId(hex(16))
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
    double secs = (System.nanoTime() - t0) / 1e9;
    OUT.printf(Locale.ROOT, "loaded %d spans in %.1f s (%.0f spans/s)%n", (long) txns * (1 + CHILDREN), secs,
        txns * (1 + CHILDREN) / secs);
    return sample;
  }

  private static void awaitMerges(ClickHouseHttp http) throws InterruptedException {
    while (http.query("SELECT count() AS n FROM system.merges").get(0).get("n").asLong() > 0) Thread.sleep(500);
  }

  private static Map<String, Long> events(ClickHouseHttp http) {
    Map<String, Long> out = new HashMap<>();
    for (JsonNode r : http.query("SELECT event, value FROM system.events")) out.put(r.get("event").asText(), r.get("value").asLong());
    return out;
  }

  private static void delta(Map<String, Long> total, Map<String, Long> before, Map<String, Long> after) {
    for (String e : EVENTS) total.merge(e, after.getOrDefault(e, 0L) - before.getOrDefault(e, 0L), Long::sum);
  }

  private void reads(ClickHouseStorage s, ClickHouseHttp http, String db, List<String> sample, String state)
      throws IOException {
    ClickHouseQueries queries = (ClickHouseQueries) s.traces();
    JsonNode parts = http.query(new Sql("SELECT count() AS parts, uniqExact(partition) AS partitions FROM system.parts"
        + " WHERE active AND database = ").str(db).sql(" AND table = 'spans'").toString()).get(0);
    OUT.printf(Locale.ROOT, "%n-- %s: %d parts in %d partitions; %d traces, each read both ways, alternating%n", state,
        parts.get("parts").asLong(), parts.get("partitions").asLong(), sample.size());
    String[] names = {"without the trace index", "with the trace index"};
    double[][] ms = new double[2][sample.size()];
    List<Map<String, Long>> totals = List.of(new HashMap<>(), new HashMap<>());
    // What reading system.events itself costs the server, taken off every read's CPU time below.
    Map<String, Long> idle = new HashMap<>();
    for (int i = 0; i < 20; i++) delta(idle, events(http), events(http));
    for (int i = 0; i < 20; i++) { // warm-up
      http.query(oldSql(db, sample.get(i % sample.size())));
      http.query(queries.traceSpansSql(sample.get(i % sample.size()), null));
    }
    for (int i = 0; i < sample.size(); i++) {
      for (int v = 0; v < 2; v++) {
        String sql = v == 0 ? oldSql(db, sample.get(i)) : queries.traceSpansSql(sample.get(i), null);
        Map<String, Long> before = events(http);
        long t0 = System.nanoTime();
        int rows = http.query(sql).size();
        ms[v][i] = (System.nanoTime() - t0) / 1e6;
        Map<String, Long> after = events(http);
        if (rows != 1 + CHILDREN) throw new AssertionError(names[v] + ": " + rows + " rows for trace " + sample.get(i));
        delta(totals.get(v), before, after);
      }
    }
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    double idleCpu = (idle.get("UserTimeMicroseconds") + idle.get("SystemTimeMicroseconds")) / 20.0;
    for (int v = 0; v < 2; v++) {
      double n = sample.size();
      Map<String, Long> t = totals.get(v);
      OUT.printf(Locale.ROOT, "%-24s p50 %6.1f ms  p99 %6.1f ms | per read: %.1f parts, %.1f marks, %.0f KB compressed read,"
          + " %.2f ms server CPU (load avg %s)%n", names[v], pct(ms[v], 0.5), pct(ms[v], 0.99),
          t.get("SelectedParts") / n, t.get("SelectedMarks") / n, t.get("ReadCompressedBytes") / n / 1024,
          ((t.get("UserTimeMicroseconds") + t.get("SystemTimeMicroseconds")) / n - idleCpu) / 1000, load);
    }
  }

  /** The span SELECT of a trace read before the trace index (main before issue 18's session 7). */
  private static String oldSql(String db, String traceId) {
    return new Sql("SELECT " + ClickHouseQueries.SPAN_COLUMNS + " FROM " + db + ".spans WHERE trace_id = ").str(traceId)
        .sql(" ORDER BY start_us, span_id").toString();
  }

  private static void sizes(ClickHouseStorage s, ClickHouseHttp http, String db) {
    long[] size = s.spanTableSize();
    double n = size[1];
    OUT.printf(Locale.ROOT, "%nspan table after OPTIMIZE FINAL: %d bytes for %d spans = %.1f bytes/span%n", size[0], size[1],
        size[0] / n);
    JsonNode index = http.query(new Sql("SELECT sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts WHERE active"
        + " AND database = ").str(db).sql(" AND table = 'trace_index'").toString()).get(0);
    OUT.printf(Locale.ROOT, "trace index: %d bytes, %d rows = %.2f bytes/span%n", index.get("b").asLong(),
        index.get("r").asLong(), index.get("b").asLong() / n);
    StringBuilder cols = new StringBuilder("compressed bytes/span by column:");
    for (JsonNode c : http.query(new Sql("SELECT name, data_compressed_bytes AS b FROM system.columns WHERE database = ")
        .str(db).sql(" AND table = 'spans' AND data_compressed_bytes > 0 ORDER BY b DESC").toString())) {
      cols.append(String.format(Locale.ROOT, " %s %.2f,", c.get("name").asText(), c.get("b").asLong() / n));
    }
    OUT.println(cols.substring(0, cols.length() - 1));
  }

  private static double pct(double[] values, double p) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[Math.max(0, (int) Math.ceil(p * v.length) - 1)];
  }
}
