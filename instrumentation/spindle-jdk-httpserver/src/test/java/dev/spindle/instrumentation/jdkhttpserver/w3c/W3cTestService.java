package dev.spindle.instrumentation.jdkhttpserver.w3c;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.httpclient.TracingHttpClient;
import dev.spindle.instrumentation.jdkhttpserver.TracingFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The service the W3C trace-context harness (w3c/trace-context, folder {@code test/}) talks to,
 * built only from Spindle's integrations: a JDK {@code HttpServer} with {@link TracingFilter} and
 * a {@link TracingHttpClient}. {@code POST /test} takes a JSON array of {@code {url, arguments}};
 * for each element, in order, it POSTs {@code arguments} as JSON to {@code url} from inside the
 * request's transaction, so the trace context propagates; then it answers 200.
 *
 * <p>Run it for the official harness with {@code main} (port as the only argument, default 5000;
 * it binds 127.0.0.1 only), then {@code python3 test.py http://127.0.0.1:5000/test}.
 */
public final class W3cTestService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final Tracer tracer;

  private W3cTestService(HttpServer server, ExecutorService executor, HttpClient client, Tracer tracer) {
    this.server = server;
    this.executor = executor;
    this.client = client;
    this.tracer = tracer;
  }

  /**
   * The tracer of the service: samples every trace (so each outgoing call is its own span with its
   * own id), sends nothing (no DSN), writes {@code traceparent}/{@code tracestate}.
   */
  public static Tracer newTracer() {
    return Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setPropagateTraceparent(true));
  }

  /** Starts the service on 127.0.0.1 and {@code port} (0: a free port). */
  public static W3cTestService start(Tracer tracer, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    ExecutorService executor = Executors.newFixedThreadPool(8);
    HttpClient client = TracingHttpClient.create(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(), tracer);
    W3cTestService service = new W3cTestService(server, executor, client, tracer);
    server.createContext("/test", service::handle).getFilters().add(TracingFilter.create(tracer));
    server.setExecutor(executor);
    server.start();
    return service;
  }

  /** {@code http://127.0.0.1:<port>/test}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/test";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      int code = 200;
      try {
        JsonNode actions = JSON.readTree(exchange.getRequestBody().readAllBytes());
        if (actions != null && actions.isArray()) {
          for (JsonNode action : actions) call(action);
        }
      } catch (IOException | RuntimeException e) {
        code = 500;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        code = 503;
      }
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  private void call(JsonNode action) throws IOException, InterruptedException {
    String url = action.path("url").asText(null);
    if (url == null) return;
    JsonNode arguments = action.path("arguments");
    byte[] body = JSON.writeValueAsBytes(arguments.isMissingNode() ? JSON.createArrayNode() : arguments);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    client.send(request, HttpResponse.BodyHandlers.discarding());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    tracer.close();
  }

  /** Runs the service until the process is stopped. Argument: the port (default 5000). */
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    W3cTestService service = start(newTracer(), port);
    System.out.println("W3C trace-context test service at " + service.endpoint());
  }
}
