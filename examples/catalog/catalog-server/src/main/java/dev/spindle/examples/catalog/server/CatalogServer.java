package dev.spindle.examples.catalog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.Span;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.jdkhttpserver.TracingFilter;
import dev.spindle.jdbc.TracingDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The package catalog of {@code openapi.yaml} on the JDK HTTP server. Every exchange is an
 * {@code http.server} transaction ({@link TracingFilter}) continuing the caller's trace; every SQL
 * statement on the embedded H2 database is a {@code db.query} span ({@link TracingDataSource}).
 *
 * <pre>{@code
 * try (CatalogServer server = CatalogServer.start(new InetSocketAddress("127.0.0.1", 0), tracer)) {
 *   System.out.println(server.url());
 * }
 * }</pre>
 */
public final class CatalogServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Default and largest {@code limit} of a search. */
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final HttpServer http;
  private final ExecutorService workers;
  private final CatalogStore store;
  private final Tracer tracer;

  private CatalogServer(HttpServer http, ExecutorService workers, CatalogStore store, Tracer tracer) {
    this.tracer = tracer;
    this.http = http;
    this.workers = workers;
    this.store = store;
  }

  /**
   * Seeds a fresh in-memory database and starts serving on {@code address} (port 0 picks a free
   * one), traced by {@code tracer}.
   */
  public static CatalogServer start(InetSocketAddress address, Tracer tracer) throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(tracer, "tracer");
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:catalog-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    CatalogStore store = new CatalogStore(TracingDataSource.wrap(h2, tracer));
    try {
      store.createAndSeed();
    } catch (SQLException e) {
      throw new IOException("cannot seed the catalog database: " + e.getMessage(), e);
    }
    HttpServer http = HttpServer.create(address, 64);
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "catalog-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(workers);
    CatalogServer server = new CatalogServer(http, workers, store, tracer);
    TracingFilter tracing = TracingFilter.create(tracer);
    // The JDK server picks the longest matching prefix: "/packages/" serves versions, the exact
    // "/packages" serves search. One route per context (TracingFilter keeps routes per context).
    server.context("/packages", "/packages", tracing, server::search);
    server.context("/packages/", "/packages/{name}/versions", tracing, server::versions);
    server.context("/resolve", "/resolve", tracing, server::resolve);
    http.start();
    return server;
  }

  private void context(String path, String route, TracingFilter tracing, Handler handler) {
    HttpContext ctx = http.createContext(path, exchange -> {
      // The transaction is named by route; keep the concrete path too, to tell requests apart.
      Span tx = tracer.currentSpan();
      if (tx.isRecording()) tx.setData("url.path", exchange.getRequestURI().getRawPath());
      handle(exchange, handler);
    });
    ctx.getAttributes().put(TracingFilter.ROUTE, route);
    ctx.getFilters().add(tracing);
  }

  /** The port listened on. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = http.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return "http://" + host + ":" + port();
  }

  @Override
  public void close() {
    http.stop(0);
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @FunctionalInterface
  private interface Handler {
    /** Returns {status, body} for the exchange. */
    Reply handle(HttpExchange exchange) throws IOException, SQLException;
  }

  private record Reply(int status, Object body) {
    static Reply problem(int status, String detail) {
      return new Reply(status, Map.of("detail", detail));
    }
  }

  private static void handle(HttpExchange exchange, Handler handler) throws IOException {
    Reply reply;
    try {
      reply = handler.handle(exchange);
    } catch (SQLException e) {
      reply = Reply.problem(500, "database error");
    } catch (IllegalArgumentException e) {
      reply = Reply.problem(400, e.getMessage());
    }
    byte[] body = JSON.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private Reply search(HttpExchange exchange) throws SQLException {
    if (!exchange.getRequestMethod().equals("GET")) return Reply.problem(405, "use GET");
    if (!exchange.getRequestURI().getPath().equals("/packages")) return Reply.problem(404, "no such resource");
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    int limit = DEFAULT_LIMIT;
    if (query.containsKey("limit")) {
      try {
        limit = Integer.parseInt(query.get("limit"));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit: " + query.get("limit") + " (expected: a number)");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
      }
    }
    return new Reply(200, store.search(query.get("q"), limit));
  }

  private Reply versions(HttpExchange exchange) throws SQLException {
    if (!exchange.getRequestMethod().equals("GET")) return Reply.problem(405, "use GET");
    String[] parts = exchange.getRequestURI().getPath().split("/");
    // "", "packages", name, "versions"
    if (parts.length != 4 || !parts[3].equals("versions") || parts[2].isEmpty()) {
      return Reply.problem(404, "no such resource");
    }
    String name = parts[2];
    List<CatalogStore.Version> versions = store.versions(name);
    if (versions == null) return Reply.problem(404, "no package named " + name);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("versions", versions);
    return new Reply(200, body);
  }

  private Reply resolve(HttpExchange exchange) throws IOException, SQLException {
    if (!exchange.getRequestMethod().equals("POST")) return Reply.problem(405, "use POST");
    JsonNode request;
    try (InputStream in = exchange.getRequestBody()) {
      request = JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("body: not JSON");
    }
    JsonNode packages = request == null ? null : request.get("packages");
    if (packages == null || !packages.isArray() || packages.isEmpty()) {
      throw new IllegalArgumentException("packages: expected a non-empty array of names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode p : packages) {
      if (!p.isTextual() || p.asText().isBlank()) throw new IllegalArgumentException("packages: names must be strings");
      names.add(p.asText());
    }
    return new Reply(200, store.resolve(names));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}
