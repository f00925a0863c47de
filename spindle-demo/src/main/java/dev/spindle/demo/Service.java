package dev.spindle.demo;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One service of the demo: a JDK HTTP server on loopback and a client, both traced by the
 * service's own tracer (as if it ran on its own machine) &mdash; or neither, for the external
 * APIs, which are not instrumented.
 */
final class Service implements AutoCloseable {
  @FunctionalInterface
  interface Handler {
    /** Handles the exchange and returns the response body (status 200). */
    String handle(HttpExchange exchange) throws Exception;
  }

  final String name;
  final Tracer tracer; // null: not instrumented
  private final HttpServer server;
  private final ExecutorService workers;
  private final HttpClient client;

  private Service(String name, Tracer tracer, HttpClient shared) throws IOException {
    this.name = name;
    this.tracer = tracer;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "demo-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    this.client = tracer == null ? shared : TracingHttpClient.create(shared, tracer);
  }

  /** A service traced by {@code tracer}; its outgoing requests go through {@code shared}. */
  static Service instrumented(String name, Tracer tracer, HttpClient shared) throws IOException {
    return new Service(name, tracer, shared);
  }

  /** A service that is not instrumented: no transactions, headers ignored. */
  static Service external(String name, HttpClient shared) throws IOException {
    return new Service(name, null, shared);
  }

  /** Serves {@code route} (a path, also the transaction name) with {@code handler}. */
  Service route(String route, Handler handler) {
    HttpContext ctx = server.createContext(route, exchange -> {
      int status = 200;
      String body;
      try {
        exchange.getRequestBody().readAllBytes();
        body = handler.handle(exchange);
      } catch (Exception e) {
        status = 500;
        body = "{\"error\":\"" + e.getClass().getSimpleName() + "\"}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    if (tracer != null) {
      ctx.getAttributes().put(TracingFilter.ROUTE, route);
      ctx.getFilters().add(TracingFilter.create(tracer));
    }
    return this;
  }

  Service start() {
    server.start();
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Calls {@code url} from this service (an {@code http.client} span of the current span). */
  String call(String method, String url, String body) throws IOException, InterruptedException {
    return send(client, method, url, body);
  }

  /** Sends one request with {@code client}; fails on a 4xx/5xx answer. */
  static String send(HttpClient client, String method, String url, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 400) throw new IOException(method + " " + url + ": HTTP " + r.statusCode());
    return r.body();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdown();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (tracer != null) tracer.close();
  }
}
