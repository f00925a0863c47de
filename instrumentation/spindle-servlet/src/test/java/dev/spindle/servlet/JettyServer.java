package dev.spindle.servlet;

import dev.spindle.Tracer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real embedded Jetty 12 (ee10) on 127.0.0.1 and a free port, with the filter on every path. */
final class JettyServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  private JettyServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** Starts Jetty serving {@code servlets} (mapping pattern → servlet) behind the tracing filter. */
  static JettyServer start(Tracer tracer, Map<String, HttpServlet> servlets) throws Exception {
    return start(tracer, servlets, null);
  }

  /** Like {@link #start(Tracer, Map)}, with {@code outer} (if not null) running before the tracing filter. */
  static JettyServer start(Tracer tracer, Map<String, HttpServlet> servlets, Filter outer) throws Exception {
    return start(tracer, servlets, outer, "/");
  }

  /** Like {@link #start(Tracer, Map, Filter)}, with the servlets under {@code contextPath}. */
  static JettyServer start(Tracer tracer, Map<String, HttpServlet> servlets, Filter outer,
      String contextPath) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(contextPath);
    if (outer != null) {
      FilterHolder holder = new FilterHolder(outer);
      holder.setAsyncSupported(true);
      context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    FilterHolder filter = new FilterHolder(TracingFilter.create(tracer));
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    servlets.forEach((pattern, servlet) -> {
      ServletHolder holder = new ServletHolder(servlet);
      holder.setAsyncSupported(true);
      context.addServlet(holder, pattern);
    });
    server.setHandler(context);
    server.start();
    return new JettyServer(server, connector);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
