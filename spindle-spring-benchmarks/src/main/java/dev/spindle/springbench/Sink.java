package dev.spindle.springbench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Where the tracing variants export to: an HTTP server in a child JVM (so its work is not charged
 * to the measured process) that reads each POST whole and answers 200, counting POSTs and bytes
 * of Spindle envelopes ({@code /api/1/envelope/}) and of OTLP/HTTP ({@code /v1/traces}). It keeps
 * the last body of each, so the benchmark can check that a request's trace id arrived.
 *
 * <p>{@code GET /stats}: {@code envelopes <posts> <bytes> otlp <posts> <bytes>}.
 * {@code GET /contains?trace=<32 hex>}: {@code envelope <true|false> otlp <true|false>}, whether
 * the last (gunzipped) body holds the trace id, as hex (JSON) or as its 16 bytes (protobuf).
 * The child exits when its standard input closes (the benchmark's fork ended).
 */
final class Sink implements AutoCloseable {
  private final Process process;
  private final String url;
  private final HttpClient client = HttpClient.newHttpClient();

  private Sink(Process process, int port) {
    this.process = process;
    this.url = "http://127.0.0.1:" + port;
  }

  /** Starts the child JVM (this JVM's java and classpath, a small heap) and waits for its port. */
  static Sink start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // TCP_NODELAY: without it each answer waits ~40 ms for a delayed ACK (headers and body are two writes)
        "-Dsun.net.httpserver.nodelay=true",
        "-cp", System.getProperty("java.class.path"), Sink.class.getName()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // "port N"
    if (line == null || !line.startsWith("port ")) {
      p.destroyForcibly();
      throw new IOException("sink did not start: " + line);
    }
    return new Sink(p, Integer.parseInt(line.substring(5).strip()));
  }

  String url() {
    return url;
  }

  String stats() throws IOException, InterruptedException {
    return get("/stats");
  }

  /** The posts of Spindle envelopes so far. */
  long envelopes() throws IOException, InterruptedException {
    return Long.parseLong(stats().split(" ")[1]);
  }

  /** The OTLP posts so far. */
  long otlpPosts() throws IOException, InterruptedException {
    return Long.parseLong(stats().split(" ")[4]);
  }

  /** Whether the last envelope ({@code otlp} false) or OTLP body holds {@code traceId}. */
  boolean lastHolds(boolean otlp, String traceId) throws IOException, InterruptedException {
    String[] answer = get("/contains?trace=" + traceId).split(" ");
    return Boolean.parseBoolean(answer[otlp ? 3 : 1]);
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }

  /** The child: serves until its standard input closes. */
  public static void main(String[] args) throws IOException {
    Counts counts = new Counts();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext("/", exchange -> {
      try {
        handle(exchange, counts);
      } finally {
        exchange.close();
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("port " + server.getAddress().getPort());
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // until the parent closes our stdin (or dies)
    }
    System.exit(0);
  }

  private static void handle(HttpExchange exchange, Counts counts) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (exchange.getRequestMethod().equals("POST")) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      boolean otlp = path.endsWith("/v1/traces");
      counts.add(otlp, body);
      byte[] answer = otlp ? new byte[0] : "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", otlp ? "application/x-protobuf" : "application/json");
      respond(exchange, answer);
    } else if (path.equals("/stats")) {
      respond(exchange, counts.toString().getBytes(StandardCharsets.UTF_8));
    } else if (path.equals("/contains")) {
      String trace = exchange.getRequestURI().getQuery().substring("trace=".length());
      respond(exchange, ("envelope " + counts.lastHolds(false, trace) + " otlp " + counts.lastHolds(true, trace))
          .getBytes(StandardCharsets.UTF_8));
    } else {
      exchange.sendResponseHeaders(404, -1);
    }
  }

  private static void respond(HttpExchange exchange, byte[] body) throws IOException {
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static final class Counts {
    private long envelopes;
    private long envelopeBytes;
    private long otlpPosts;
    private long otlpBytes;
    private byte[] lastEnvelope = new byte[0];
    private byte[] lastOtlp = new byte[0];

    synchronized void add(boolean otlp, byte[] body) {
      if (otlp) {
        otlpPosts++;
        otlpBytes += body.length;
        lastOtlp = body;
      } else {
        envelopes++;
        envelopeBytes += body.length;
        lastEnvelope = body;
      }
    }

    synchronized boolean lastHolds(boolean otlp, String traceId) throws IOException {
      return Payloads.holdsTrace(gunzip(otlp ? lastOtlp : lastEnvelope), otlp, traceId);
    }

    @Override
    public synchronized String toString() {
      return "envelopes " + envelopes + " " + envelopeBytes + " otlp " + otlpPosts + " " + otlpBytes;
    }

    private static byte[] gunzip(byte[] body) throws IOException {
      if (body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) return body;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        return in.readAllBytes();
      }
    }
  }
}
