package dev.spindle.spring.boot;

import dev.spindle.Span;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.protocol.SpanStatus;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * A {@code WebClient} filter: an {@code http.client} span per request and the trace headers
 * ({@code sentry-trace}, {@code baggage}, {@code traceparent}) for URLs matching
 * {@code tracePropagationTargets}, decided when the request is <em>subscribed</em>, i.e. sent. The
 * parent is the span in the Reactor context under {@code Span.class} (the WebFlux transaction puts
 * itself there), else the span current on the subscribing thread (a blocking call in a Spring MVC
 * handler). The starter adds it to Boot's {@code WebClient.Builder}; add it yourself elsewhere:
 *
 * <pre>{@code
 * WebClient.builder().filter(TracingExchangeFilterFunction.create(tracer)).build();
 * }</pre>
 *
 * <p>Recorded as by {@link TracingClientHttpRequestInterceptor}; the span ends when the response
 * headers have arrived, {@code cancelled} when the request is cancelled first.
 */
public final class TracingExchangeFilterFunction implements ExchangeFilterFunction {
  private final Tracer tracer;

  private TracingExchangeFilterFunction(Tracer tracer) {
    this.tracer = tracer;
  }

  /** A filter recording with {@code tracer}. */
  public static TracingExchangeFilterFunction create(Tracer tracer) {
    return new TracingExchangeFilterFunction(Objects.requireNonNull(tracer, "tracer"));
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(context -> {
      Span parent = context.getOrDefault(WebFluxTracingFilter.CONTEXT_KEY, tracer.currentSpan());
      String url = request.url().toString();
      String method = request.method().name();
      String scrubbed = HttpNames.scrubUrl(url);
      Span span = parent.startChild(TracingClientHttpRequestInterceptor.OPERATION, method + " " + scrubbed);
      span.setData("http.request.method", method);
      span.setData("url", scrubbed);
      String query = HttpNames.scrubbedQueryOf(url);
      if (query != null) span.setData("http.query", query);
      ClientRequest outgoing = !tracer.shouldPropagateTo(url) ? request : ClientRequest.from(request)
          .headers(h -> tracer.inject(span, h, TracingClientHttpRequestInterceptor.HeaderAccess.INSTANCE,
              TracingClientHttpRequestInterceptor.HeaderAccess.INSTANCE))
          .build();
      return next.exchange(outgoing)
          .doOnNext(response -> {
            int status = response.statusCode().value();
            span.setData("http.response.status_code", status);
            span.finish(SpanStatus.fromHttpStatus(status));
          })
          .doOnError(e -> {
            span.setThrowable(e);
            span.finish(e instanceof TimeoutException ? SpanStatus.DEADLINE_EXCEEDED : SpanStatus.INTERNAL_ERROR);
          })
          .doOnCancel(() -> {
            if (!span.isFinished()) span.finish(SpanStatus.CANCELLED);
          });
    });
  }

  @Override
  public String toString() {
    return "TracingExchangeFilterFunction";
  }
}
