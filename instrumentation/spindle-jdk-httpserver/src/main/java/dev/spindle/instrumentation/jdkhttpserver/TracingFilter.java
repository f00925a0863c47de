package dev.spindle.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import dev.spindle.Scope;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.instrumentation.http.CallerData;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A {@code com.sun.net.httpserver} filter that makes every exchange an {@code http.server}
 * transaction, continuing the trace of incoming {@code sentry-trace} + {@code baggage} or
 * {@code traceparent} headers (or starting one), current on the handling thread for the whole
 * exchange:
 *
 * <pre>{@code
 * HttpContext ctx = server.createContext("/users/", handler);
 * ctx.getFilters().add(TracingFilter.create(tracer));
 * ctx.getAttributes().put(TracingFilter.ROUTE, "/users/{id}"); // optional
 * }</pre>
 *
 * <p>Name: {@code "<METHOD> <route>"} with source {@code route} when the route is known &mdash;
 * the attribute {@link #ROUTE} of the context (or of the exchange; a handler may set it while
 * handling and the name is updated when the exchange ends), else the context path when the request
 * path is exactly it &mdash; and otherwise {@code "<METHOD> <path>"} with identifiers replaced by
 * {@code *} and source {@code url}. Note that the JDK server keeps exchange attributes in the
 * context's map (checked on Java 17 and 25), so a route set on an exchange stays for every later
 * exchange of that context: give each context one route, not one per request. The response code gives the status and {@code http.response.status_code}; an
 * exception from the handler gives {@code internal_error} and is rethrown to the server.
 */
public final class TracingFilter extends Filter {
  /**
   * The attribute naming the route template of an exchange ({@code HttpExchange.setAttribute}) or
   * of a context ({@code HttpContext.getAttributes()}), e.g. {@code "/users/{id}"}.
   */
  public static final String ROUTE = "dev.spindle.route";

  static final String OPERATION = "http.server";

  private static final Propagation.Getter<HttpExchange> GETTER = new Propagation.Getter<>() {
    @Override
    public String get(HttpExchange exchange, String key) {
      return exchange.getRequestHeaders().getFirst(key);
    }

    @Override
    public java.util.List<String> getAll(HttpExchange exchange, String key) {
      java.util.List<String> values = exchange.getRequestHeaders().get(key);
      return values == null ? java.util.List.of() : values;
    }
  };

  private final Tracer tracer; // null: Spindle.tracer(), read per exchange

  private TracingFilter(Tracer tracer) {
    this.tracer = tracer;
  }

  /** A filter using {@link Spindle}'s tracer, looked up at each exchange. */
  public static TracingFilter create() {
    return new TracingFilter(null);
  }

  /** A filter using {@code tracer}. */
  public static TracingFilter create(Tracer tracer) {
    return new TracingFilter(Objects.requireNonNull(tracer, "tracer"));
  }

  @Override
  public String description() {
    return "Spindle tracing: http.server transactions";
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    Transaction tx = start(exchange);
    if (tx == null) {
      chain.doFilter(exchange);
      return;
    }
    Throwable error = null;
    try (Scope scope = tx.makeCurrent()) {
      chain.doFilter(exchange);
    } catch (IOException | RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      // after the scope closed: the transaction is sent when it finishes
      finish(tx, exchange, error);
    }
  }

  private Transaction start(HttpExchange exchange) {
    try {
      Tracer t = tracer != null ? tracer : Spindle.tracer();
      String method = exchange.getRequestMethod();
      String route = route(exchange);
      String path = exchange.getRequestURI().getRawPath();
      Transaction tx = route != null
          ? t.continueTrace(exchange, GETTER, method + " " + route, OPERATION, TransactionSource.ROUTE)
          : t.continueTrace(exchange, GETTER, method + " " + HttpNames.sanitizePath(path),
              OPERATION, TransactionSource.URL);
      if (tx.isRecording()) {
        tx.setData("http.request.method", method);
        String query = HttpNames.scrubQuery(exchange.getRequestURI().getRawQuery());
        if (query != null) tx.setData("http.query", query);
        if (t.options().isSendDefaultPii()) {
          InetSocketAddress caller = exchange.getRemoteAddress();
          CallerData.record(caller == null || caller.getAddress() == null ? null
              : caller.getAddress().getHostAddress(), exchange.getRequestHeaders(), tx::setData);
        }
      }
      return tx;
    } catch (RuntimeException e) {
      return null; // never fail an exchange because of tracing
    }
  }

  private static void finish(Transaction tx, HttpExchange exchange, Throwable error) {
    try {
      Object late = exchange.getAttribute(ROUTE);
      if (late instanceof String && (tx.source() != TransactionSource.ROUTE
          || !tx.name().endsWith(" " + late))) {
        tx.setName(exchange.getRequestMethod() + " " + late, TransactionSource.ROUTE);
      }
      int code = exchange.getResponseCode(); // -1 when no response was sent
      if (code > 0) tx.setData("http.response.status_code", code);
      if (error != null) {
        tx.setThrowable(error);
        tx.finish(SpanStatus.INTERNAL_ERROR);
      } else {
        tx.finish(code > 0 ? SpanStatus.fromHttpStatus(code) : SpanStatus.UNKNOWN);
      }
    } catch (RuntimeException e) {
      tx.finish();
    }
  }

  /** The route template of the exchange, when known. */
  static String route(HttpExchange exchange) {
    Object fromExchange = exchange.getAttribute(ROUTE);
    if (fromExchange instanceof String) return (String) fromExchange;
    HttpContext context = exchange.getHttpContext();
    if (context == null) return null;
    Object fromContext = context.getAttributes().get(ROUTE);
    if (fromContext instanceof String) return (String) fromContext;
    String contextPath = context.getPath();
    if (contextPath != null && contextPath.equals(exchange.getRequestURI().getRawPath())) return contextPath;
    return null;
  }

  @Override
  public String toString() {
    return "TracingFilter{" + (tracer == null ? "Spindle.tracer()" : tracer) + "}";
  }
}
