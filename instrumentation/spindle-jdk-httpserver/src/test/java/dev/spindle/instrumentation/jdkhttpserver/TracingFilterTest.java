package dev.spindle.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.AbstractHttpServerTest;
import dev.spindle.instrumentation.tests.ServerEndpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@link TracingFilter} against the shared server suite. */
class TracingFilterTest extends AbstractHttpServerTest {
  private HttpServer server;
  private ExecutorService executor;

  @Override
  protected String startServer(Tracer tracer) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    executor = Executors.newFixedThreadPool(16);
    server.setExecutor(executor);
    TracingFilter filter = TracingFilter.create(tracer);
    add(filter, ServerEndpoints.OK, null, ex -> respond(ex, 200, "ok"));
    add(filter, ServerEndpoints.ITEMS_PREFIX, ServerEndpoints.ITEMS_ROUTE, ex -> respond(ex, 200,
        "item " + ex.getRequestURI().getPath().substring(ServerEndpoints.ITEMS_PREFIX.length())));
    add(filter, ServerEndpoints.FILES_PREFIX, null, ex -> respond(ex, 200, "ok"));
    add(filter, ServerEndpoints.STATUS_PREFIX, ServerEndpoints.STATUS_ROUTE,
        ex -> respond(ex, ServerEndpoints.statusOf(ex.getRequestURI().getPath()), null));
    add(filter, ServerEndpoints.EXCEPTION, null, ex -> {
      throw ServerEndpoints.failure();
    });
    add(filter, ServerEndpoints.CURRENT, null, ex -> respond(ex, 200, ServerEndpoints.currentSpanBody()));
    add(filter, ServerEndpoints.CHILD, null, ex -> {
      ServerEndpoints.childWork();
      respond(ex, 200, "ok");
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void add(TracingFilter filter, String path, String route, HttpHandler handler) {
    HttpContext context = server.createContext(path, handler);
    context.getFilters().add(filter);
    if (route != null) context.getAttributes().put(TracingFilter.ROUTE, route);
  }

  static void respond(HttpExchange exchange, int code, String body) throws IOException {
    try {
      exchange.getRequestBody().readAllBytes();
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } finally {
      exchange.close();
    }
  }

  @Override
  protected void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }
}
