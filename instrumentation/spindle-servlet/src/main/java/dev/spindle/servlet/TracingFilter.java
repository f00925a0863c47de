package dev.spindle.servlet;

import dev.spindle.Scope;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.instrumentation.http.CallerData;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A servlet filter that turns every HTTP request into an {@code http.server} transaction,
 * continuing the trace of its {@code sentry-trace}/{@code baggage} or {@code traceparent}
 * headers. The transaction is current while the rest of the chain runs, so spans and outgoing
 * requests made while handling the request are its children.
 *
 * <p>Name: {@code "<METHOD> <route>"}. The route is, in order: the request attribute
 * {@link #ROUTE_ATTRIBUTE} if the application or its framework set it during the request (for
 * example {@code /users/{id}}); the servlet mapping when it is exact ({@code /health}) or the
 * context root; otherwise the request path with identifiers replaced by {@code *}
 * ({@code /users/42} → {@code /users/*}) and source {@code url}.
 *
 * <p>Status: from the response code ({@link SpanStatus#fromHttpStatus}); an exception escaping
 * the chain makes it {@code internal_error}. Data: {@code http.request.method}, {@code url}
 * (without query), {@code http.query} (sensitive values filtered),
 * {@code http.response.status_code}.
 *
 * <p>Asynchronous requests: when the chain returns with {@code request.isAsyncStarted()}, the
 * transaction finishes when the async cycle completes (an {@link AsyncListener}), with the final
 * response code, {@code deadline_exceeded} on timeout and {@code internal_error} on error. Register
 * the filter with {@code asyncSupported = true} and for the {@code REQUEST} and {@code ASYNC}
 * dispatcher types; on an async (or error) re-dispatch the filter makes the same transaction
 * current again instead of starting a new one. Work handed to other threads needs
 * {@code Spindle.wrap(...)} to see it.
 *
 * <pre>{@code
 * FilterRegistration.Dynamic f = servletContext.addFilter("spindle", TracingFilter.create(tracer));
 * f.setAsyncSupported(true);
 * f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
 * }</pre>
 */
public final class TracingFilter implements Filter {
  /**
   * A request attribute naming the route template that handled the request, e.g.
   * {@code /users/{id}}; set it during the request to name the transaction by it.
   */
  public static final String ROUTE_ATTRIBUTE = "dev.spindle.servlet.route";
  /** The request attribute holding the request's {@link Transaction}. */
  public static final String TRANSACTION_ATTRIBUTE = Transaction.class.getName();

  static final String OPERATION = "http.server";

  private final Tracer tracer;

  /** A filter recording with {@link Spindle#tracer()}, looked up per request (for web.xml). */
  public TracingFilter() {
    this.tracer = null;
  }

  private TracingFilter(Tracer tracer) {
    this.tracer = tracer;
  }

  /** A filter recording with {@code tracer}. */
  public static TracingFilter create(Tracer tracer) {
    return new TracingFilter(Objects.requireNonNull(tracer, "tracer"));
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;

    Object existing = request.getAttribute(TRANSACTION_ATTRIBUTE);
    if (existing instanceof Transaction) { // an async or error re-dispatch of a traced request
      try (Scope s = ((Transaction) existing).makeCurrent()) {
        chain.doFilter(request, response);
      }
      return;
    }

    Tracer t = tracer != null ? tracer : Spindle.tracer();
    Route route = route(request);
    Transaction tx = t.continueTrace(request, HeaderAccess.INSTANCE,
        request.getMethod() + " " + route.name, OPERATION, route.source);
    String url = request.getRequestURL().toString();
    tx.setData("http.request.method", request.getMethod());
    tx.setData("url", HttpNames.scrubUrl(url));
    String query = HttpNames.scrubQuery(request.getQueryString());
    if (query != null) tx.setData("http.query", query);
    if (tx.isRecording() && t.options().isSendDefaultPii()) {
      CallerData.record(request.getRemoteAddr(), headers(request), tx::setData);
    }
    request.setAttribute(TRANSACTION_ATTRIBUTE, tx);

    Throwable error = null;
    try (Scope s = tx.makeCurrent()) {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      boolean async = false;
      if (error == null) {
        try {
          if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new FinishOnComplete(tx));
            async = true;
          }
        } catch (IllegalStateException completedMeanwhile) {
          // the async cycle already ended: finish now
        }
      }
      if (!async) finish(tx, request, response.getStatus(), error);
    }
  }

  /** Renames by a route set during the request, records the status and finishes. */
  static void finish(Transaction tx, HttpServletRequest request, int status, Throwable error) {
    Object route = request.getAttribute(ROUTE_ATTRIBUTE);
    if (route instanceof String && !((String) route).isEmpty()) {
      tx.setName(request.getMethod() + " " + route, TransactionSource.ROUTE);
    }
    if (error != null) {
      tx.setThrowable(error);
      if (status < 400) status = 500; // the container answers 500 for what escapes the chain
      tx.setData("http.response.status_code", status);
      tx.finish(SpanStatus.INTERNAL_ERROR);
      return;
    }
    tx.setData("http.response.status_code", status);
    tx.finish(SpanStatus.fromHttpStatus(status));
  }

  /** The best name known before the request runs. */
  static Route route(HttpServletRequest request) {
    String contextPath = nullToEmpty(request.getContextPath());
    HttpServletMapping mapping = null;
    try {
      mapping = request.getHttpServletMapping();
    } catch (RuntimeException | LinkageError e) {
      // a container without servlet 4 mappings: fall back to the URL
    }
    if (mapping != null && mapping.getMappingMatch() != null) {
      MappingMatch match = mapping.getMappingMatch();
      if (match == MappingMatch.EXACT) {
        return new Route(contextPath + mapping.getPattern(), TransactionSource.ROUTE);
      }
      if (match == MappingMatch.CONTEXT_ROOT) {
        return new Route(contextPath + "/", TransactionSource.ROUTE);
      }
    }
    return new Route(HttpNames.sanitizePath(request.getRequestURI()), TransactionSource.URL);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  @Override
  public String toString() {
    return "TracingFilter";
  }

  static final class Route {
    final String name;
    final TransactionSource source;

    Route(String name, TransactionSource source) {
      this.name = name;
      this.source = source;
    }
  }

  /** Finishes the transaction once, when the async cycle completes. */
  static final class FinishOnComplete implements AsyncListener {
    private final Transaction tx;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile SpanStatus failure;
    private volatile Throwable error;

    FinishOnComplete(Transaction tx) {
      this.tx = tx;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      if (!finished.compareAndSet(false, true)) return;
      HttpServletRequest request = (HttpServletRequest) event.getSuppliedRequest();
      HttpServletResponse response = (HttpServletResponse) event.getSuppliedResponse();
      int status = response == null ? 200 : response.getStatus();
      SpanStatus f = failure;
      if (f == null) {
        finish(tx, request, status, null);
        return;
      }
      Object route = request == null ? null : request.getAttribute(ROUTE_ATTRIBUTE);
      if (route instanceof String && !((String) route).isEmpty()) {
        tx.setName(request.getMethod() + " " + route, TransactionSource.ROUTE);
      }
      if (error != null) tx.setThrowable(error);
      tx.setData("http.response.status_code", status);
      tx.finish(f);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      if (failure == null) failure = SpanStatus.DEADLINE_EXCEEDED;
    }

    @Override
    public void onError(AsyncEvent event) {
      if (failure == null) failure = SpanStatus.INTERNAL_ERROR;
      if (event.getThrowable() != null) error = event.getThrowable();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      AsyncContext context = event.getAsyncContext();
      if (context != null) context.addListener(this); // startAsync again clears listeners
    }
  }

  enum HeaderAccess implements Propagation.Getter<HttpServletRequest> {
    INSTANCE;

    @Override
    public String get(HttpServletRequest request, String key) {
      return request.getHeader(key);
    }

    @Override
    public List<String> getAll(HttpServletRequest request, String key) {
      java.util.Enumeration<String> values = request.getHeaders(key);
      return values == null ? List.of() : Collections.list(values);
    }
  }

  private static Map<String, List<String>> headers(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return headers;
  }
}
