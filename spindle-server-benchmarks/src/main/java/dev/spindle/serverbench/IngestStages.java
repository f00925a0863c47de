package dev.spindle.serverbench;

import dev.spindle.server.http.Bodies;
import dev.spindle.server.ingest.EnvelopeStages;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.duckdb.DuckDbStorage;
import dev.spindle.storage.write.WriteBatchCodec;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CPU per span of each step of the envelope path, without HTTP: one thread inflates, frames and
 * maps generated gzip envelopes (the load generator's), encodes each batch, and writes groups of
 * {@code --group} requests to a DuckDB storage in a fresh folder (ingest log append + fsync); the
 * storage's loader thread loads them into DuckDB. Steps are timed with the thread's CPU clock;
 * the loader's and the rollup's threads by theirs; the rest of the process (GC, JIT, DuckDB's
 * own threads) is what remains of the process's CPU. HTTP (Jetty, Javalin), authentication,
 * quotas, group commit and span assembly are not in it.
 *
 * <pre>stages [--warmup 3000] [--requests 5000] [--group 16] [--data DIR]</pre>
 */
final class IngestStages {
  private IngestStages() {}

  private static final String[] STEPS = {"inflate", "frame", "map", "encode", "log write (encode+fsync)"};

  static void run(Args a, PrintStream out) throws Exception {
    int warmup = (int) a.num("warmup", 3000);
    int requests = (int) a.num("requests", 5000);
    int group = (int) a.num("group", 16);
    String dir = a.str("data", "");
    Path data = dir.isEmpty() ? Files.createTempDirectory("stages") : Path.of(dir);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    SplittableRandom rnd = new SplittableRandom(42);
    EnvelopeStages stages = new EnvelopeStages();
    try (DuckDbStorage storage = DuckDbStorage.open(data.resolve("spindle.duckdb"))) {
      loop(storage, stages, rnd, warmup, group, new long[STEPS.length], mx);
      storage.traces().trace("00000000000000000000000000000001", 1L); // waits for the loader
      out.println("warmed up; measuring " + requests + " requests");
      Map<String, Long> threads0 = threadCpu(mx);
      Map<String, Long> native0 = nativeThreadCpu();
      long process0 = os.getProcessCpuTime();
      long[] ns = new long[STEPS.length];
      long t0 = System.nanoTime();
      long spans = loop(storage, stages, rnd, requests, group, ns, mx);
      storage.traces().trace("00000000000000000000000000000001", 1L);
      long wall = System.nanoTime() - t0;
      long process = os.getProcessCpuTime() - process0;
      Map<String, Long> threads = threadCpu(mx);
      threads.replaceAll((k, v) -> v - threads0.getOrDefault(k, 0L));
      out.printf("%d requests, %d spans, %.1f s wall, load %s%n", requests, spans, wall / 1e9, Stats.loadAverage());
      out.println("| step | CPU µs/span |");
      out.println("| --- | ---: |");
      long accounted = 0;
      for (int i = 0; i < STEPS.length; i++) {
        if (i != 3) accounted += ns[i]; // encode runs again inside the log write
        out.printf("| %s | %.2f |%n", STEPS[i], ns[i] / 1e3 / spans);
      }
      long loader = threads.getOrDefault("spindle-duckdb-loader", 0L);
      long rollup = threads.getOrDefault("spindle-duckdb-servicemap", 0L);
      out.printf("| loader thread (decode, append, commit) | %.2f |%n", loader / 1e3 / spans);
      out.printf("| service-map rollup thread | %.2f |%n", rollup / 1e3 / spans);
      long main = threads.getOrDefault(Thread.currentThread().getName(), 0L);
      out.printf("| main thread outside the steps (payload generation) | %.2f |%n", (main - accounted) / 1e3 / spans);
      out.printf("| rest of the process (GC, JIT, DuckDB's threads) | %.2f |%n",
          (process - main - loader - rollup) / 1e3 / spans);
      Map<String, Long> natives = nativeThreadCpu();
      natives.replaceAll((k, v) -> v - native0.getOrDefault(k, 0L));
      natives.entrySet().stream().filter(e -> e.getValue() * 1000 / spans >= 100)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> out.printf("|   of which threads named '%s' | %.2f |%n", e.getKey(), e.getValue() / 1e3 / spans));
      out.printf("| **server's share** (steps + loader + rollup + rest) | **%.2f** |%n",
          (process - (main - accounted)) / 1e3 / spans);
    } finally {
      if (dir.isEmpty()) deleteTree(data);
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
    }
  }

  private static long loop(DuckDbStorage storage, EnvelopeStages stages, SplittableRandom rnd,
      int requests, int group, long[] ns, ThreadMXBean mx) {
    String key = "0123456789abcdef0123456789abcdef";
    String dsn = "http://" + key + "@127.0.0.1:9/1";
    List<WriteBatch> pending = new ArrayList<>(group);
    long spans = 0;
    for (int i = 0; i < requests; i++) {
      long nowUs = System.currentTimeMillis() * 1000;
      TraceShape t = new TraceShape(rnd, nowUs - 200_000, 0, 0.02);
      byte[] gz = Payloads.gzip(Payloads.sentryEnvelope(t, dsn, key, nowUs / 1000));
      long c0 = mx.getCurrentThreadCpuTime();
      byte[] body = Bodies.read(new ByteArrayInputStream(gz), "gzip", 1 << 20);
      long c1 = mx.getCurrentThreadCpuTime();
      Object framed = stages.frame(body);
      long c2 = mx.getCurrentThreadCpuTime();
      WriteBatch b = stages.map(framed, 1, nowUs);
      long c3 = mx.getCurrentThreadCpuTime();
      WriteBatchCodec.encode(b);
      long c4 = mx.getCurrentThreadCpuTime();
      ns[0] += c1 - c0;
      ns[1] += c2 - c1;
      ns[2] += c3 - c2;
      ns[3] += c4 - c3;
      spans += b.spans().size();
      pending.add(b);
      if (pending.size() == group || i == requests - 1) {
        long w0 = mx.getCurrentThreadCpuTime();
        storage.writer().write(WriteBatch.concat(pending));
        ns[4] += mx.getCurrentThreadCpuTime() - w0;
        pending.clear();
      }
    }
    return spans;
  }

  /** CPU ns by thread name (digits folded) from /proc/self/task (Linux; empty elsewhere): JIT, GC and native threads too. */
  private static Map<String, Long> nativeThreadCpu() {
    Map<String, Long> out = new LinkedHashMap<>();
    long nsPerTick = 10_000_000L; // USER_HZ 100
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * nsPerTick, Long::sum);
        } catch (java.io.IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return out;
    }
    return out;
  }

  private static Map<String, Long> threadCpu(ThreadMXBean mx) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long cpu = mx.getThreadCpuTime(t.getId());
      if (cpu > 0) out.merge(t.getName(), cpu, Long::sum);
    }
    return out;
  }
}
