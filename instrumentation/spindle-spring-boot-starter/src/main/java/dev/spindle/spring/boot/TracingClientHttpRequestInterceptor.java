package dev.spindle.spring.boot;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
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
  static final String OPERATION = "http.client";

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
    String method = request.getMethod().name();
    String scrubbed = HttpNames.scrubUrl(url);
    Span span = tracer.currentSpan().startChild(OPERATION, method + " " + scrubbed);
    span.setData("http.request.method", method);
    span.setData("url", scrubbed);
    String query = HttpNames.scrubbedQueryOf(url);
    if (query != null) span.setData("http.query", query);
    if (tracer.shouldPropagateTo(url)) {
      tracer.inject(span, request.getHeaders(), HeaderAccess.INSTANCE, HeaderAccess.INSTANCE);
    }

    ClientHttpResponse response;
    try (Scope s = span.makeCurrent()) {
      response = execution.execute(request, body);
    } catch (IOException | RuntimeException | Error e) {
      span.setThrowable(e);
      span.finish(e instanceof SocketTimeoutException ? SpanStatus.DEADLINE_EXCEEDED : SpanStatus.INTERNAL_ERROR);
      throw e;
    }
    int status = response.getStatusCode().value();
    span.setData("http.response.status_code", status);
    span.finish(SpanStatus.fromHttpStatus(status));
    return response;
  }

  @Override
  public String toString() {
    return "TracingClientHttpRequestInterceptor";
  }

  enum HeaderAccess implements Propagation.Getter<HttpHeaders>, Propagation.Setter<HttpHeaders> {
    INSTANCE;

    @Override
    public String get(HttpHeaders headers, String key) {
      return headers.getFirst(key);
    }

    @Override
    public List<String> getAll(HttpHeaders headers, String key) {
      List<String> values = headers.get(key);
      return values == null ? List.of() : values;
    }

    @Override
    public void set(HttpHeaders headers, String key, String value) {
      headers.set(key, value); // replaces, so baggage stays one header
    }
  }
}
