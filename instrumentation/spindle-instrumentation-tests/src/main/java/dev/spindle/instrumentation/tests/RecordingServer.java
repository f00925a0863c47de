package dev.spindle.instrumentation.tests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The remote end of client tests: a real JDK {@code HttpServer} on 127.0.0.1 and a free port that
 * records every request (method, path, query, headers, body). {@code /status/<code>} answers with
 * that code; every other path answers 200 {@code ok}.
 */
public final class RecordingServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  private RecordingServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on 127.0.0.1, port 0, with 32 worker threads and a backlog of 512. */
  public static RecordingServer start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    ExecutorService executor = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "recording-server");
      t.setDaemon(true);
      return t;
    });
    RecordingServer rs = new RecordingServer(server, executor);
    server.createContext("/", rs::handle);
    server.setExecutor(executor);
    server.start();
    return rs;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) ->
          headers.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
      String path = exchange.getRequestURI().getRawPath();
      requests.add(new RecordedRequest(exchange.getRequestMethod(), path,
          exchange.getRequestURI().getRawQuery(), headers, new String(body, StandardCharsets.UTF_8)));
      int code = 200;
      if (path.startsWith("/status/")) {
        try {
          code = Integer.parseInt(path.substring("/status/".length()));
        } catch (NumberFormatException e) {
          code = 400;
        }
      }
      byte[] out = code == 204 || code == 304 ? new byte[0] : "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } finally {
      exchange.close();
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>} followed by {@code pathAndQuery}, which starts with {@code /}. */
  public String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port() + pathAndQuery;
  }

  /** Every request received so far, in arrival order. */
  public List<RecordedRequest> requests() {
    return Collections.unmodifiableList(new ArrayList<>(requests));
  }

  /** The one request received so far that matches, failing when there is none or several. */
  public RecordedRequest request(Predicate<RecordedRequest> filter) {
    List<RecordedRequest> found = new ArrayList<>();
    for (RecordedRequest r : requests) if (filter.test(r)) found.add(r);
    if (found.size() != 1) {
      throw new AssertionError("expected one matching request, found " + found.size() + " in " + requests);
    }
    return found.get(0);
  }

  /** The one request received with this path. */
  public RecordedRequest requestTo(String path) {
    return request(r -> r.path().equals(path));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One request as the server saw it. Header names are lowercase. */
  public static final class RecordedRequest {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final String body;

    RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body) {
      this.method = method;
      this.path = path;
      this.query = query;
      this.headers = headers;
      this.body = body;
    }

    public String method() {
      return method;
    }

    /** The raw path, without the query. */
    public String path() {
      return path;
    }

    /** The raw query, or null. */
    public String query() {
      return query;
    }

    public String body() {
      return body;
    }

    /** Every value of a header (name in any case); empty when absent. */
    public List<String> headers(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? List.of() : List.copyOf(v);
    }

    /** The single value of a header, or null when absent; fails when it was sent more than once. */
    public String header(String name) {
      List<String> v = headers(name);
      if (v.size() > 1) throw new AssertionError("header " + name + " sent " + v.size() + " times: " + v);
      return v.isEmpty() ? null : v.get(0);
    }

    @Override
    public String toString() {
      return method + " " + path + (query == null ? "" : "?" + query) + " " + headers;
    }
  }
}
