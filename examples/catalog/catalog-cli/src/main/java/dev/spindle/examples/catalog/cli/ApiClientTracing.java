package dev.spindle.examples.catalog.cli;

import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.examples.catalog.client.ApiClient;
import dev.spindle.examples.catalog.client.ApiException;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traces a generated {@link ApiClient} through its per-request hooks only &mdash; the fix of the
 * seed's bug. Nothing is decided when the client is built: each request, when it is sent, opens an
 * {@code http.client} child of the span current <em>then</em> ({@link Spindle#currentSpan()}) and
 * carries that span's {@code sentry-trace}, {@code baggage} and {@code traceparent} headers
 * ({@code Spindle.tracer().inject(...)}); the response hook finishes it. The one {@code ApiClient}
 * (and the one pooled {@code HttpClient} of the API object made from it) serves every thread.
 *
 * <p>Request and response are paired by the span id the request carries in {@code sentry-trace}
 * (or {@code traceparent}); for a URL outside {@code tracePropagationTargets}, which carries no
 * header, by the span last opened on the sending thread (the generated client sends synchronously
 * on the caller's thread). A request that fails without a response (connection refused, timeout)
 * never reaches the response hook: run calls through {@link #call} to finish its span with a
 * failure status.
 *
 * <p>Install the hooks <em>before</em> creating API objects: the generated API classes copy them
 * from the {@code ApiClient} in their constructor.
 */
public final class ApiClientTracing {
  static final String OPERATION = "http.client";
  static final String ORIGIN = "auto.http.openapi_native";

  private static final Propagation.Setter<HttpRequest.Builder> SETTER = HttpRequest.Builder::setHeader;

  /** Open spans by the id of the span the request carries. */
  private final Map<String, Span> inFlight = new ConcurrentHashMap<>();
  /** The id of the span last opened on this thread and not yet finished. */
  private final ThreadLocal<String> lastOnThread = new ThreadLocal<>();

  private ApiClientTracing() {}

  /** Sets the request and response hooks of {@code client}; returns the tracing for {@link #call}. */
  public static ApiClientTracing install(ApiClient client) {
    Objects.requireNonNull(client, "client");
    ApiClientTracing tracing = new ApiClientTracing();
    client.setRequestInterceptor(tracing::onRequest);
    client.setResponseInterceptor(tracing::onResponse);
    client.setAsyncResponseInterceptor(tracing::onResponse);
    return tracing;
  }

  /** A call of the generated API. */
  @FunctionalInterface
  public interface ApiCall<T> {
    T call() throws ApiException;
  }

  /**
   * Runs {@code call}; when it fails before a response arrived, finishes the request's span with
   * {@code deadline_exceeded} (timeout) or {@code unavailable} and the cause.
   */
  public <T> T call(ApiCall<T> call) throws ApiException {
    Objects.requireNonNull(call, "call");
    lastOnThread.remove();
    try {
      return call.call();
    } catch (ApiException e) {
      failOpenRequest(e);
      throw e;
    } finally {
      lastOnThread.remove();
    }
  }

  /** Spans of requests still waiting for their response (for tests and diagnostics). */
  int inFlight() {
    return inFlight.size();
  }

  private void onRequest(HttpRequest.Builder builder) {
    try {
      if (!Spindle.isEnabled()) return; // no DSN: no spans, no headers
      Span parent = Spindle.currentSpan();
      if (parent.isNoop()) return;
      HttpRequest request = builder.copy().build();
      String url = request.uri().toString();
      Span span = parent.startChild(OPERATION, request.method() + " " + HttpNames.scrubUrl(url));
      span.setOrigin(ORIGIN);
      span.setData("http.request.method", request.method());
      span.setData("url", HttpNames.scrubUrl(url));
      String query = HttpNames.scrubbedQueryOf(url);
      if (query != null) span.setData("http.query", query);
      Tracer tracer = Spindle.tracer();
      if (tracer.shouldPropagateTo(url)) tracer.inject(span, builder, SETTER);
      inFlight.put(span.spanId(), span);
      lastOnThread.set(span.spanId());
    } catch (RuntimeException e) {
      // never fail a request because of tracing
    }
  }

  private void onResponse(HttpResponse<?> response) {
    try {
      String id = spanIdOf(response.request().headers());
      if (id == null) id = lastOnThread.get();
      if (id == null) return;
      Span span = inFlight.remove(id);
      if (span == null) return;
      if (id.equals(lastOnThread.get())) lastOnThread.remove();
      int code = response.statusCode();
      span.setData("http.response.status_code", code);
      span.finish(SpanStatus.fromHttpStatus(code));
    } catch (RuntimeException e) {
      // never fail a response because of tracing
    }
  }

  private void failOpenRequest(ApiException e) {
    String id = lastOnThread.get();
    if (id == null) return;
    Span span = inFlight.remove(id);
    if (span == null) return; // answered: the response hook finished it
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    span.setThrowable(cause);
    span.finish(cause instanceof HttpTimeoutException ? SpanStatus.DEADLINE_EXCEEDED : SpanStatus.UNAVAILABLE);
  }

  /** The span id in {@code sentry-trace} ({@code trace-span[-sampled]}) or {@code traceparent}. */
  static String spanIdOf(HttpHeaders headers) {
    String st = headers.firstValue(Propagation.SENTRY_TRACE).orElse(null);
    if (st != null) {
      String[] parts = st.trim().split("-");
      if (parts.length >= 2 && parts[1].length() == 16) return parts[1];
    }
    String tp = headers.firstValue(Propagation.TRACEPARENT).orElse(null);
    if (tp != null) {
      String[] parts = tp.trim().split("-");
      if (parts.length >= 3 && parts[2].length() == 16) return parts[2];
    }
    return null;
  }
}
