package dev.spindle.serverbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop ingestion load: {@code --connections} threads, each with its own keep-alive
 * connection, send one trace (1 root + 20 children, fresh ids) per request and wait for the
 * answer before sending the next. After {@code --warmup} seconds, requests that complete within
 * the next {@code --duration} seconds are measured; only acknowledged requests count as spans
 * (Spindle 200, Zipkin 202). Bounded by {@code --max-requests} too. Loopback only.
 *
 * <p>Targets: {@code spindle} ({@code --protocol envelope}, the default: a Sentry envelope to
 * {@code /api/1/envelope/}; {@code zipkin}: the same spans as a Zipkin v2 JSON array to Spindle's
 * Zipkin endpoint; {@code otlp}: an OTLP/HTTP protobuf export to its OTLP endpoint; {@code
 * --encoding gzip|identity}, {@code --key} the project's public key) and {@code zipkin} (v2 JSON
 * array to {@code /api/v2/spans}, identity). After the run, the last acknowledged trace is read back from
 * the target's query API (or {@code --verify-url}'s, e.g. the query node of a scale-out setup, waiting
 * up to 60 s for the writers) and its span count checked.
 *
 * <p>Scale-out: {@code --url} may list several nodes (comma-separated; connection {@code i} goes to
 * the {@code i % n}th), {@code --server-pid} several processes (their CPU is added up), and
 * {@code --also-pids name=pid,pid;name=pid} the CPU of other processes in the same window, per span
 * (e.g. {@code writer=...;kafka=...}).
 */
final class IngestBench {
  private IngestBench() {}

  /** What a {@code spindle} target is sent: the request path, content type and body per trace. */
  enum Protocol {
    ENVELOPE("/api/1/envelope/", "application/x-sentry-envelope"),
    ZIPKIN("/api/1/integration/zipkin/api/v2/spans", "application/json"),
    OTLP("/api/1/integration/otlp/v1/traces", "application/x-protobuf");

    final String path, contentType;

    Protocol(String path, String contentType) {
      this.path = path;
      this.contentType = contentType;
    }

    byte[] body(TraceShape t, String dsn, String key, long nowMs) {
      return switch (this) {
        case ENVELOPE -> Payloads.sentryEnvelope(t, dsn, key, nowMs);
        case ZIPKIN -> Payloads.zipkinSpans(t);
        case OTLP -> Payloads.otlpSpans(t);
      };
    }
  }

  record Result(String target, String encoding, int connections, double seconds, long requests,
      long acked, long errors, long spans, double spansPerSec, double p50Ms, double p99Ms,
      double clientCpu, double serverCpu, String loadStart, String loadEnd, String verified,
      long ackedTotal, Map<String, Double> alsoCpu) {}

  static Result run(Args a) throws Exception {
    String target = a.str("target", null).toLowerCase(Locale.ROOT);
    if (!target.equals("spindle") && !target.equals("zipkin")) {
      throw new IllegalArgumentException("--target: " + target + " (expected: spindle or zipkin)");
    }
    List<URI> urls = new ArrayList<>();
    for (String u : a.str("url", null).split(",")) {
      URI url = URI.create(u.trim());
      if (!isLoopback(url.getHost())) throw new IllegalArgumentException("--url: " + url + " (expected: a loopback address)");
      urls.add(url);
    }
    URI verifyUrl = URI.create(a.str("verify-url", urls.get(0).toString()));
    if (!isLoopback(verifyUrl.getHost())) throw new IllegalArgumentException("--verify-url: " + verifyUrl + " (expected: a loopback address)");
    String encoding = target.equals("zipkin") ? "identity" : a.str("encoding", "gzip");
    if (!encoding.equals("gzip") && !encoding.equals("identity")) {
      throw new IllegalArgumentException("--encoding: " + encoding + " (expected: gzip or identity)");
    }
    String key = target.equals("spindle") ? a.str("key", null) : null;
    Protocol protocol = Protocol.valueOf(a.str("protocol", "envelope").toUpperCase(Locale.ROOT));
    if (target.equals("spindle") && protocol != Protocol.ENVELOPE) target = "spindle-" + protocol.name().toLowerCase(Locale.ROOT);
    String token = a.str("token", "");
    int connections = (int) a.num("connections", 16);
    long warmupNs = a.num("warmup", 10) * 1_000_000_000L;
    long durationNs = a.num("duration", 20) * 1_000_000_000L;
    long maxRequests = a.num("max-requests", 2_000_000);
    long[] serverPids = pids(a.str("server-pid", ""));
    Map<String, long[]> also = new LinkedHashMap<>();
    for (String part : a.str("also-pids", "").split(";")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--also-pids: '" + part + "' (expected: name=pid[,pid...])");
      also.put(part.substring(0, eq).trim(), pids(part.substring(eq + 1)));
    }
    if (connections <= 0 || connections > 256) throw new IllegalArgumentException("--connections: " + connections + " (expected: 1..256)");

    long start = System.nanoTime();
    long t0 = start + warmupNs;
    long t1 = t0 + durationNs;
    AtomicLong issued = new AtomicLong();
    Worker[] workers = new Worker[connections];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      URI url = urls.get(i % urls.size());
      String dsn = key == null ? null : "http://" + key + "@" + url.getHost() + ":" + url.getPort() + "/1";
      Worker w = new Worker(target, protocol, encoding, url.getHost(), url.getPort(), key, dsn, t0, t1, issued, maxRequests,
          new SplittableRandom(System.nanoTime() + i * 7919L));
      workers[i] = w;
      Thread t = new Thread(w, "load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    sleepUntil(t0);
    double clientCpu0 = os.getProcessCpuTime() / 1e9;
    double serverCpu0 = Stats.cpuSeconds(serverPids);
    Map<String, Double> alsoCpu = new LinkedHashMap<>();
    also.forEach((name, p) -> alsoCpu.put(name, -Stats.cpuSeconds(p)));
    String load0 = Stats.loadAverage();
    sleepUntil(t1);
    double clientCpu1 = os.getProcessCpuTime() / 1e9;
    double serverCpu1 = Stats.cpuSeconds(serverPids);
    also.forEach((name, p) -> alsoCpu.merge(name, Stats.cpuSeconds(p), Double::sum));
    String load1 = Stats.loadAverage();
    for (Thread t : threads) t.join(70_000);

    long requests = 0, acked = 0, errors = 0, ackedTotal = 0;
    int n = 0;
    for (Worker w : workers) n += w.count;
    long[] all = new long[n];
    int at = 0;
    for (Worker w : workers) {
      requests += w.requests;
      acked += w.count;
      errors += w.errors;
      ackedTotal += w.ackedTotal;
      System.arraycopy(w.latencies, 0, all, at, w.count);
      at += w.count;
    }
    Arrays.sort(all);
    double seconds = durationNs / 1e9;
    long spans = acked * TraceShape.SPANS;
    String verified = verify(target, verifyUrl, !verifyUrl.equals(urls.get(0)), token, workers);
    for (Worker w : workers) if (w.firstError != null && errors > 0) {
      System.err.println("first error (" + target + "): " + w.firstError);
      break;
    }
    return new Result(target, encoding, connections, seconds, requests, acked, errors, spans,
        spans / seconds, Stats.ms(Stats.percentile(all, 50)), Stats.ms(Stats.percentile(all, 99)),
        clientCpu1 - clientCpu0, serverCpu1 - serverCpu0, load0, load1, verified, ackedTotal, alsoCpu);
  }

  private static long[] pids(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"));
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) Thread.sleep(Math.max(1, left / 1_000_000));
  }

  /**
   * Reads the last acknowledged trace back and counts its spans; from another node than the one
   * written to ({@code waitForWriters}), for up to 60 s until the writers stored it whole.
   */
  private static String verify(String target, URI url, boolean waitForWriters, String token, Worker[] workers)
      throws InterruptedException {
    String traceId = null;
    for (Worker w : workers) if (w.lastAcked != null) traceId = w.lastAcked;
    if (traceId == null) return "nothing acknowledged";
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + (waitForWriters ? 60_000_000_000L : 0);
    try (RawHttp http = new RawHttp(url.getHost(), url.getPort())) {
      while (true) {
        int spans;
        if (target.equals("zipkin")) {
          RawHttp.Response r = http.send("GET", "/api/v2/trace/" + traceId, null);
          if (r.status() != 200) return "read back: HTTP " + r.status();
          spans = json.readTree(r.body()).size();
        } else {
          if (token.isEmpty()) return "not checked (no --token)";
          RawHttp.Response r = http.send("GET", "/api/v1/traces/" + traceId, null, "Authorization: Bearer " + token);
          if (r.status() != 200 && r.status() != 404) return "read back: HTTP " + r.status();
          spans = 0;
          if (r.status() == 200) for (JsonNode t : json.readTree(r.body()).path("transactions")) spans += 1 + t.path("spans").size();
        }
        if (spans == TraceShape.SPANS) return "ok: " + spans + " spans read back";
        if (System.nanoTime() > deadline) return "MISMATCH: " + spans + " spans read back";
        Thread.sleep(200);
      }
    } catch (IOException e) {
      return "read back failed: " + e.getMessage();
    }
  }

  private static final class Worker implements Runnable {
    final String target, encoding, host, key, dsn;
    final Protocol protocol;
    final int port;
    final long t0, t1, maxRequests;
    final AtomicLong issued;
    final SplittableRandom rnd;
    long[] latencies = new long[1 << 14];
    int count;
    long requests, errors, ackedTotal;
    String lastAcked, firstError;

    Worker(String target, Protocol protocol, String encoding, String host, int port, String key, String dsn, long t0, long t1,
        AtomicLong issued, long maxRequests, SplittableRandom rnd) {
      this.target = target;
      this.protocol = protocol;
      this.encoding = encoding;
      this.host = host;
      this.port = port;
      this.key = key;
      this.dsn = dsn;
      this.t0 = t0;
      this.t1 = t1;
      this.issued = issued;
      this.maxRequests = maxRequests;
      this.rnd = rnd;
    }

    @Override
    public void run() {
      boolean spindle = target.startsWith("spindle");
      boolean gzip = encoding.equals("gzip");
      List<String> h = new ArrayList<>();
      h.add("Content-Type: " + (spindle ? protocol.contentType : "application/json"));
      if (gzip) h.add("Content-Encoding: gzip");
      if (spindle) {
        h.add("User-Agent: sentry.java/8.26.0");
        h.add("X-Sentry-Auth: Sentry sentry_version=7,sentry_client=sentry.java/8.26.0,sentry_key=" + key);
      }
      String[] headers = h.toArray(String[]::new);
      String path = spindle ? protocol.path : "/api/v2/spans";
      int expected = spindle && protocol != Protocol.ZIPKIN ? 200 : 202;
      try (RawHttp http = new RawHttp(host, port)) {
        while (System.nanoTime() < t1 && issued.incrementAndGet() <= maxRequests) {
          long nowUs = System.currentTimeMillis() * 1000;
          TraceShape t = new TraceShape(rnd, nowUs - 200_000, 0, 0.02);
          byte[] body = spindle ? protocol.body(t, dsn, key, nowUs / 1000) : Payloads.zipkinSpans(t);
          if (gzip) body = Payloads.gzip(body);
          long begin = System.nanoTime();
          int status;
          try {
            status = http.send("POST", path, body, headers).status();
          } catch (IOException e) {
            status = -1;
            if (firstError == null) firstError = e.toString();
          }
          long end = System.nanoTime();
          if (status == expected) ackedTotal++;
          if (end < t0 || end > t1) continue;
          requests++;
          if (status == expected) {
            if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
            latencies[count++] = end - begin;
            lastAcked = t.traceId;
          } else {
            errors++;
            if (firstError == null) firstError = "HTTP " + status;
          }
        }
      }
    }
  }

  static String header() {
    return "| target | body | conns | load start→end | requests | errors | spans/s | p50 ms | p99 ms | server CPU s"
        + " | server µs/span | client CPU s | read back |\n"
        + "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |";
  }

  static String row(Result r) {
    return String.format(Locale.ROOT, "| %s | %s | %d | %s→%s | %d | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |",
        r.target(), r.encoding(), r.connections(), r.loadStart(), r.loadEnd(), r.requests(), r.errors(),
        r.spansPerSec(), r.p50Ms(), r.p99Ms(), r.serverCpu(),
        r.spans() == 0 ? 0 : r.serverCpu() * 1e6 / r.spans(), r.clientCpu(), r.verified());
  }

  /**
   * The lines after the row (with {@code --also-pids}): the other processes' CPU in the same
   * window, per acknowledged span, and the requests acknowledged in the whole run (warm-up
   * included), to compare with what storage holds.
   */
  static String alsoRows(Result r) {
    StringBuilder b = new StringBuilder();
    r.alsoCpu().forEach((name, cpu) -> b.append(String.format(Locale.ROOT, "  %s: CPU %.1f s, %.1f µs/span%n",
        name, cpu, r.spans() == 0 ? 0 : cpu * 1e6 / r.spans())));
    b.append("  acknowledged in the whole run (warm-up included): ").append(r.ackedTotal()).append(" requests, ")
        .append(r.ackedTotal() * TraceShape.SPANS).append(" spans");
    return b.toString();
  }
}
