package dev.spindle.spring.boot;

import dev.spindle.Span;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import java.util.List;
import org.springframework.http.HttpHeaders;

/** What Spring's HTTP client integrations record, once: the {@code http.client} span and its end. */
final class ClientSpans {
  static final String OPERATION = "http.client";

  private ClientSpans() {}

  /** A child of {@code parent} for {@code method url}, with the request's data. */
  static Span start(Span parent, String method, String url) {
    String scrubbed = HttpNames.scrubUrl(url);
    Span span = parent.startChild(OPERATION, method + " " + scrubbed);
    span.setData("http.request.method", method);
    span.setData("url", scrubbed);
    String query = HttpNames.scrubbedQueryOf(url);
    if (query != null) span.setData("http.query", query);
    return span;
  }

  /** Ends {@code span} with the response's status code. */
  static void finish(Span span, int status) {
    span.setData("http.response.status_code", status);
    span.finish(SpanStatus.fromHttpStatus(status));
  }

  /** Ends {@code span} for a request that failed; {@code timeout} gives deadline_exceeded. */
  static void fail(Span span, Throwable error, boolean timeout) {
    span.setThrowable(error);
    span.finish(timeout ? SpanStatus.DEADLINE_EXCEEDED : SpanStatus.INTERNAL_ERROR);
  }

  /** Trace headers read from and written to Spring's {@link HttpHeaders}. */
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
