package dev.spindle.spring.boot;

import dev.spindle.Span;
import dev.spindle.Tracer;
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
      Span span = ClientSpans.start(parent, request.method().name(), url);
      ClientRequest outgoing = !tracer.shouldPropagateTo(url) ? request : ClientRequest.from(request)
          .headers(h -> tracer.inject(span, h, ClientSpans.HeaderAccess.INSTANCE, ClientSpans.HeaderAccess.INSTANCE))
          .build();
      return next.exchange(outgoing)
          .doOnNext(response -> ClientSpans.finish(span, response.statusCode().value()))
          .doOnError(e -> ClientSpans.fail(span, e, e instanceof TimeoutException))
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
