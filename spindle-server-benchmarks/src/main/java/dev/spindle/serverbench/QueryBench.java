package dev.spindle.serverbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Query latency over HTTP against a running server on a folder filled by {@link BulkLoad}: trace
 * by id ({@code GET /api/v1/traces/{id}}) for {@code --samples} random known ids, one at a time,
 * and the 24 h transactions summary ({@code GET /api/v1/transactions?statsPeriod=24h})
 * {@code --summary-runs} times, then the 24 h service map and propagation health
 * ({@code GET /api/v1/service-map}, {@code GET /api/v1/propagation}) {@code --map-runs} times
 * each. Each answer is checked (status 200, 21 spans per trace, 20 transaction names) outside the
 * timed part.
 */
final class QueryBench {
  private QueryBench() {}

  static void run(Args a, PrintStream out) throws Exception {
    URI url = URI.create(a.str("url", null));
    Path dir = Path.of(a.str("data", null));
    int samples = (int) a.num("samples", 1000);
    int warmup = (int) a.num("warmup", 100);
    int summaryRuns = (int) a.num("summary-runs", 10);
    int mapRuns = (int) a.num("map-runs", 5);
    ObjectMapper json = new ObjectMapper();
    String token = json.readTree(Files.readString(dir.resolve("bootstrap.json"))).path("apiToken").asText();
    List<String> ids = new ArrayList<>(BulkLoad.readIds(dir));
    Collections.shuffle(ids, new Random(a.num("seed", 7)));
    if (ids.size() < samples + warmup) throw new IllegalArgumentException("only " + ids.size() + " known ids");
    String auth = "Authorization: Bearer " + token;
    try (RawHttp http = new RawHttp(url.getHost(), url.getPort())) {
      out.println("load average before: " + Stats.loadAverage());
      for (int i = 0; i < warmup; i++) check(http.send("GET", "/api/v1/traces/" + ids.get(i), null, auth), "trace");
      long[] lat = new long[samples];
      long bytes = 0;
      int bad = 0;
      for (int i = 0; i < samples; i++) {
        String id = ids.get(warmup + i);
        long begin = System.nanoTime();
        RawHttp.Response r = http.send("GET", "/api/v1/traces/" + id, null, auth);
        lat[i] = System.nanoTime() - begin;
        check(r, "trace");
        bytes += r.body().length;
        int spans = 0;
        for (JsonNode t : json.readTree(r.body()).path("transactions")) spans += 1 + t.path("spans").size();
        if (spans != TraceShape.SPANS) bad++;
      }
      long[] s = Stats.sorted(lat, samples);
      out.printf(Locale.ROOT, "trace by id: %d requests (after %d warm-up), p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms;"
              + " %d traces not of 21 spans; %.0f bytes/answer; load %s%n",
          samples, warmup, Stats.ms(Stats.percentile(s, 50)), Stats.ms(Stats.percentile(s, 90)),
          Stats.ms(Stats.percentile(s, 99)), Stats.ms(s[s.length - 1]), bad, (double) bytes / samples,
          Stats.loadAverage());

      String path = "/api/v1/transactions?statsPeriod=24h&limit=50";
      check(http.send("GET", path, null, auth), "summary"); // warm-up
      long[] sum = new long[summaryRuns];
      long total = 0;
      int names = 0;
      for (int i = 0; i < summaryRuns; i++) {
        long begin = System.nanoTime();
        RawHttp.Response r = http.send("GET", path, null, auth);
        sum[i] = System.nanoTime() - begin;
        check(r, "summary");
        JsonNode data = json.readTree(r.body()).path("data");
        names = data.size();
        total = 0;
        for (JsonNode row : data) total += row.path("count").asLong();
      }
      StringBuilder each = new StringBuilder();
      for (long v : sum) each.append(String.format(Locale.ROOT, " %.0f", Stats.ms(v)));
      long[] ss = Stats.sorted(sum, summaryRuns);
      out.printf(Locale.ROOT, "24 h summary: %d runs (after 1 warm-up), median %.0f ms, min %.0f ms, max %.0f ms"
              + " (each:%s); %d transaction names, %,d transactions counted; load %s%n",
          summaryRuns, Stats.ms(Stats.percentile(ss, 50)), Stats.ms(ss[0]), Stats.ms(ss[ss.length - 1]),
          each, names, total, Stats.loadAverage());

      for (String map : List.of("/api/v1/service-map?statsPeriod=24h", "/api/v1/propagation?statsPeriod=24h")) {
        check(http.send("GET", map, null, auth), map); // warm-up
        long[] t = new long[mapRuns];
        int edges = 0;
        for (int i = 0; i < mapRuns; i++) {
          long begin = System.nanoTime();
          RawHttp.Response r = http.send("GET", map, null, auth);
          t[i] = System.nanoTime() - begin;
          check(r, map);
          edges = json.readTree(r.body()).path("edges").size();
        }
        long[] st = Stats.sorted(t, mapRuns);
        out.printf(Locale.ROOT,
            "%s: %d runs (after 1 warm-up), median %.0f ms, min %.0f ms, max %.0f ms; %d edges; load %s%n",
            map, mapRuns, Stats.ms(Stats.percentile(st, 50)), Stats.ms(st[0]), Stats.ms(st[st.length - 1]),
            edges, Stats.loadAverage());
      }
    }
  }

  private static void check(RawHttp.Response r, String what) {
    if (r.status() != 200) {
      throw new IllegalStateException(what + ": HTTP " + r.status() + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
