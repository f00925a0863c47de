package dev.spindle.servlet;

import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.AbstractHttpServerTest;
import dev.spindle.instrumentation.tests.ServerEndpoints;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared server suite against Jetty 12. Servlet mappings cannot express {@code /items/{id}},
 * so the items and status servlets name their route with {@link TracingFilter#ROUTE_ATTRIBUTE},
 * as a framework on top of servlets would; {@code /ok} and the others are exact mappings.
 */
class TracingFilterTest extends AbstractHttpServerTest {
  private JettyServer jetty;

  @Override
  protected String startServer(Tracer tracer) throws Exception {
    jetty = JettyServer.start(tracer, endpoints());
    return jetty.baseUrl();
  }

  @Override
  protected void stopServer() throws Exception {
    if (jetty != null) jetty.close();
  }

  static Map<String, HttpServlet> endpoints() {
    Map<String, HttpServlet> m = new LinkedHashMap<>();
    m.put(ServerEndpoints.OK, servlet((req, res) -> res.getWriter().write("ok")));
    m.put(ServerEndpoints.ITEMS_PREFIX + "*", servlet((req, res) -> {
      req.setAttribute(TracingFilter.ROUTE_ATTRIBUTE, ServerEndpoints.ITEMS_ROUTE);
      res.getWriter().write("item " + req.getPathInfo().substring(1));
    }));
    m.put(ServerEndpoints.FILES_PREFIX + "*", servlet((req, res) -> res.getWriter().write("ok")));
    m.put(ServerEndpoints.STATUS_PREFIX + "*", servlet((req, res) -> {
      req.setAttribute(TracingFilter.ROUTE_ATTRIBUTE, ServerEndpoints.STATUS_ROUTE);
      res.setStatus(ServerEndpoints.statusOf(req.getRequestURI()));
    }));
    m.put(ServerEndpoints.EXCEPTION, servlet((req, res) -> {
      throw ServerEndpoints.failure();
    }));
    m.put(ServerEndpoints.CURRENT, servlet((req, res) -> res.getWriter().write(ServerEndpoints.currentSpanBody())));
    m.put(ServerEndpoints.CHILD, servlet((req, res) -> {
      ServerEndpoints.childWork();
      res.getWriter().write("ok");
    }));
    return m;
  }

  interface Handler {
    void handle(HttpServletRequest req, HttpServletResponse res) throws IOException;
  }

  static HttpServlet servlet(Handler handler) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        handler.handle(req, res);
      }
    };
  }
}
