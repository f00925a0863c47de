package dev.spindle.spring.boot;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Tracer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link ClientHttpRequestInterceptor} for {@code RestClient} and {@code RestTemplate}: an
 * {@code http.client} child of the span current <em>when the request is sent</em> (never when the
 * client was built), and the trace headers ({@code sentry-trace}, {@code baggage},
 * {@code traceparent}) for URLs matching {@code tracePropagationTargets}. The starter adds it to
 * every client built from Spring's auto-configured {@code RestClient.Builder} and
 * {@code RestTemplateBuilder}; add it yourself to other clients:
 *
 * <pre>{@code
 * RestClient.builder().requestInterceptor(TracingClientHttpRequestInterceptor.create(tracer)).build();
 * }</pre>
 *
 * <p>Recorded: description {@code "<METHOD> <url>"}, data {@code http.request.method},
 * {@code url} (without user info or query), {@code http.query} (sensitive values filtered),
 * {@code http.response.status_code}; the status from the response code, {@code deadline_exceeded}
 * on a socket timeout, {@code internal_error} on other failures. The span is current while the
 * rest of the chain runs and ends when the response headers have arrived.
 */
public final class TracingClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
  private final Tracer tracer;

  private TracingClientHttpRequestInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  /** An interceptor recording with {@code tracer}. */
  public static TracingClientHttpRequestInterceptor create(Tracer tracer) {
    return new TracingClientHttpRequestInterceptor(Objects.requireNonNull(tracer, "tracer"));
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body,
      ClientHttpRequestExecution execution) throws IOException {
    String url = request.getURI().toString();
    Span span = ClientSpans.start(tracer.currentSpan(), request.getMethod().name(), url);
    if (tracer.shouldPropagateTo(url)) {
      tracer.inject(span, request.getHeaders(), ClientSpans.HeaderAccess.INSTANCE, ClientSpans.HeaderAccess.INSTANCE);
    }
    ClientHttpResponse response;
    try (Scope s = span.makeCurrent()) {
      response = execution.execute(request, body);
    } catch (IOException | RuntimeException | Error e) {
      ClientSpans.fail(span, e, e instanceof SocketTimeoutException);
      throw e;
    }
    ClientSpans.finish(span, response.getStatusCode().value());
    return response;
  }

  @Override
  public String toString() {
    return "TracingClientHttpRequestInterceptor";
  }
}
