package dev.spindle.spring.boot;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.protocol.SpanStatus;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * A WebFlux {@link WebFilter}: an {@code http.server} transaction per request, continuing
 * incoming {@code sentry-trace}/{@code baggage}/{@code traceparent}, named by the matched route
 * ({@code GET /users/{id}}, source {@code route}) or else the sanitized path (source
 * {@code url}), with the status from the response; an error the handler signals is sent as an
 * error event of the trace (not 4xx {@code ErrorResponse}s) and makes the status
 * {@code internal_error}.
 *
 * <p>The transaction is put into the Reactor context under {@link #CONTEXT_KEY}, where
 * {@link TracingExchangeFilterFunction} finds it for {@code WebClient} calls made by the handler,
 * and from where {@link SpanThreadLocalAccessor} makes it current inside the handler's operators
 * (with Reactor's automatic context propagation, which {@link SpindleReactorAutoConfiguration}
 * turns on). The handler method itself runs before its chain is subscribed, with no span current.
 */
final class WebFluxTracingFilter implements WebFilter, Ordered {
  /** The Reactor context key of the request's transaction (a {@link Span}). */
  static final Class<Span> CONTEXT_KEY = SpanThreadLocalAccessor.KEY;

  private final Tracer tracer;

  WebFluxTracingFilter(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String method = request.getMethod().name();
    Transaction tx = tracer.continueTrace(request.getHeaders(),
        ClientSpans.HeaderAccess.INSTANCE,
        method + " " + HttpNames.sanitizePath(request.getPath().value()), "http.server", TransactionSource.URL);
    String url = request.getURI().toString();
    tx.setData("http.request.method", method);
    tx.setData("url", HttpNames.scrubUrl(url));
    String query = HttpNames.scrubbedQueryOf(url);
    if (query != null) tx.setData("http.query", query);

    AtomicBoolean failed = new AtomicBoolean();
    return chain.filter(exchange)
        .doOnError(e -> {
          failed.set(true);
          nameByRoute(tx, exchange);
          tx.setThrowable(e);
          if (CapturingExceptionResolver.isClientError(e)) return;
          try (Scope s = tx.makeCurrent()) {
            tracer.captureException(e);
          }
        })
        .doFinally(signal -> finish(tx, exchange, signal, failed.get()))
        .contextWrite(ctx -> ctx.put(CONTEXT_KEY, tx));
  }

  private static void nameByRoute(Transaction tx, ServerWebExchange exchange) {
    String route = RouteNaming.route(exchange.getRequest().getPath().contextPath().value(),
        exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE));
    if (route != null) tx.setName(exchange.getRequest().getMethod().name() + " " + route, TransactionSource.ROUTE);
  }

  private static void finish(Transaction tx, ServerWebExchange exchange, SignalType signal, boolean failed) {
    nameByRoute(tx, exchange);
    HttpStatusCode code = exchange.getResponse().getStatusCode();
    int status = code == null ? 200 : code.value();
    if (failed && status < 400) status = 500; // the error handlers answer after this filter
    tx.setData("http.response.status_code", status);
    if (signal == SignalType.CANCEL) tx.finish(SpanStatus.CANCELLED);
    else if (failed && status >= 500) tx.finish(SpanStatus.INTERNAL_ERROR);
    else tx.finish(SpanStatus.fromHttpStatus(status));
  }

  @Override
  public int getOrder() {
    return SpindleAutoConfiguration.FILTER_ORDER;
  }
}
