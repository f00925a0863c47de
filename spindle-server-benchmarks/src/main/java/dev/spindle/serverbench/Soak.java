package dev.spindle.serverbench;

import dev.spindle.demo.Demo;
import dev.spindle.server.SpindleServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code soak}: a Spindle server (DuckDB under {@code --data}, in this JVM) takes the demo's
 * traffic plus a steady load of envelopes for {@code --minutes}; every {@code --sample-seconds}
 * it samples the heap after a full GC, open file descriptors, threads, disk bytes per stored span
 * and the median latency of a trace search over the last 5 minutes, and prints a row. At the end
 * it judges each series by the least-squares line over the second half of the run (the first
 * half is warm-up: caches, pools, DuckDB's buffers): a series whose line rises across that half
 * by more than {@code --max-growth} of its mean (default 0.1, i.e. 10 %) grows, and fails the run
 * (exit 1). Over 30 minutes that catches a heap growing 0.16 MiB a minute on 24 MiB, or one file
 * descriptor leaked every 45 s on 200.
 *
 * <p>The process is the server and its clients together: a leak in either shows.
 */
final class Soak {
  private Soak() {}

  /** One sample. */
  record Sample(double minute, double heapMib, long fds, long threads, double diskBytesPerSpan,
      double queryMs, long acked, long refused) {}

  /** What a series did over the second half: how far its line rose across it, relative to its mean. */
  record Verdict(String series, double mean, double growth, boolean grows) {}

  static int run(Args a, PrintStream out) throws Exception {
    long minutes = a.num("minutes", 30);
    long sampleSeconds = a.num("sample-seconds", 60);
    long envelopesPerSecond = a.num("rate", 50);
    long demoPerSecond = a.num("demo-rate", 5);
    double maxGrowth = Double.parseDouble(a.str("max-growth", "0.1"));
    Path data = a.str("data", null) == null ? Files.createTempDirectory("spindle-soak")
        : Path.of(a.str("data", null));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    List<Sample> samples = new ArrayList<>();
    try (SpindleServer server = SpindleServer.builder().port(0).dataDir(data).out(quiet).start()) {
      String dsn = server.bootstrap().dsn();
      String key = URI.create(dsn).getUserInfo();
      String token = server.bootstrap().apiToken();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong acked = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);

      Thread load = new Thread(() -> envelopes(http, server.url(), dsn, key, envelopesPerSecond, end, running, acked, refused),
          "soak-envelopes");
      load.start();
      Demo demo = Demo.start(dsn, 1.0);
      Thread demoThread = new Thread(() -> {
        try {
          demo.run(demoPerSecond, Duration.ofNanos(end - System.nanoTime()), quiet);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "soak-demo");
      demoThread.start();

      out.printf("soak: %d min, sample every %d s, %d envelopes/s (%d spans each) + demo %d/s; data %s; load average %s%n",
          minutes, sampleSeconds, envelopesPerSecond, TraceShape.SPANS, demoPerSecond, data, Stats.loadAverage());
      out.println(header());
      long t0 = System.nanoTime();
      long next = t0;
      while (true) {
        next += TimeUnit.SECONDS.toNanos(sampleSeconds);
        if (next > end) break;
        TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        Sample s = sample(server, http, token, data, (System.nanoTime() - t0) / 60e9, acked.get(), refused.get());
        samples.add(s);
        out.println(row(s));
      }
      running.set(false);
      load.join();
      demoThread.join();
      demo.close();
    }
    out.printf("load average at the end: %s%n", Stats.loadAverage());
    List<Verdict> verdicts = judge(samples, maxGrowth);
    boolean ok = true;
    for (Verdict v : verdicts) {
      out.printf("%-22s mean %10.1f  second half's line %+7.1f %%  %s%n", v.series, v.mean, 100 * v.growth,
          v.grows ? "GROWS" : "flat");
      ok &= !v.grows;
    }
    if (samples.size() < 6) {
      out.println("too few samples to judge (6 at least): run longer or sample more often");
      return 1;
    }
    out.println(ok ? "soak: PASS (no series rose more than " + Math.round(100 * maxGrowth) + " % across the second half)"
        : "soak: FAIL");
    return ok ? 0 : 1;
  }

  /** Sends envelopes at {@code perSecond} (open loop, at most 32 in flight) until {@code end}. */
  private static void envelopes(HttpClient http, String url, String dsn, String key, long perSecond, long end,
      AtomicBoolean running, AtomicLong acked, AtomicLong refused) {
    URI uri = URI.create(url + "/api/1/envelope/?sentry_key=" + key);
    SplittableRandom rnd = new SplittableRandom(42);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
    long due = System.nanoTime();
    try {
      while (running.get() && due < end) {
        long nowUs = System.currentTimeMillis() * 1000;
        TraceShape t = new TraceShape(rnd, nowUs - 200_000, 0, 0.02);
        byte[] body = Payloads.sentryEnvelope(t, dsn, key, nowUs / 1000);
        pool.execute(() -> {
          try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            (r.statusCode() == 200 ? acked : refused).incrementAndGet();
          } catch (IOException e) {
            refused.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        due += interval;
        TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pool.shutdown();
      try {
        pool.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Sample sample(SpindleServer server, HttpClient http, String token, Path data, double minute,
      long acked, long refused) throws Exception {
    System.gc();
    System.gc();
    double heapMib = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      fds = s.count();
    }
    long threads = ManagementFactory.getThreadMXBean().getThreadCount();
    long spans = storedSpans(http, server.url(), token);
    double perSpan = spans == 0 ? 0 : folderBytes(data) / (double) spans;
    long[] ms = new long[5];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url()
              + "/api/v1/traces?statsPeriod=5m&limit=50")).header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException("trace search: HTTP " + r.statusCode() + " " + r.body());
      ms[i] = System.nanoTime() - t0;
    }
    Arrays.sort(ms);
    return new Sample(minute, heapMib, fds, threads, perSpan, ms[ms.length / 2] / 1e6, acked, refused);
  }

  /** Spans stored, from Discover's {@code count()} over everything. */
  private static long storedSpans(HttpClient http, String url, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url
            + "/api/v1/discover?dataset=spans&field=count()&statsPeriod=90d"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("discover count(): HTTP " + r.statusCode() + " " + r.body());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"count\\(\\)\"\\s*:\\s*(\\d+)").matcher(r.body());
    if (!m.find()) throw new IllegalStateException("discover count(): " + r.body());
    return Long.parseLong(m.group(1));
  }

  private static long folderBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // deleted meanwhile (a loaded log segment)
        }
      }).sum();
    }
  }

  static String header() {
    return String.format("%7s %9s %5s %7s %12s %9s %9s %8s", "minute", "heap MiB", "fds", "threads",
        "disk B/span", "query ms", "acked", "refused");
  }

  static String row(Sample s) {
    return String.format("%7.1f %9.1f %5d %7d %12.0f %9.1f %9d %8d", s.minute, s.heapMib, s.fds, s.threads,
        s.diskBytesPerSpan, s.queryMs, s.acked, s.refused);
  }

  /** Each series' verdict over the second half of the samples. */
  static List<Verdict> judge(List<Sample> samples, double maxGrowth) {
    List<Sample> half = samples.subList(samples.size() / 2, samples.size());
    List<Verdict> out = new ArrayList<>();
    out.add(verdict("heap after GC (MiB)", half, Sample::heapMib, maxGrowth));
    out.add(verdict("open file descriptors", half, s -> s.fds, maxGrowth));
    out.add(verdict("threads", half, s -> s.threads, maxGrowth));
    out.add(verdict("disk bytes per span", half, Sample::diskBytesPerSpan, maxGrowth));
    out.add(verdict("query ms (median)", half, Sample::queryMs, maxGrowth));
    return out;
  }

  static Verdict verdict(String name, List<Sample> half, java.util.function.ToDoubleFunction<Sample> f,
      double maxGrowth) {
    int n = half.size();
    double mx = 0;
    double my = 0;
    for (Sample s : half) {
      mx += s.minute;
      my += f.applyAsDouble(s);
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (Sample s : half) {
      sxy += (s.minute - mx) * (f.applyAsDouble(s) - my);
      sxx += (s.minute - mx) * (s.minute - mx);
    }
    double slopePerMinute = sxx == 0 ? 0 : sxy / sxx;
    double span = half.get(n - 1).minute - half.get(0).minute;
    double growth = my == 0 ? 0 : slopePerMinute * span / my;
    return new Verdict(name, my, growth, growth > maxGrowth);
  }
}
