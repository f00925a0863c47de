package dev.spindle.instrumentation.httpclient;

import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} that traces every request of the client it wraps. Build your one shared
 * client as usual and wrap it once; the wrapper keeps that client (and its connection pool) and
 * never rebuilds it:
 *
 * <pre>{@code
 * HttpClient http = TracingHttpClient.create(HttpClient.newHttpClient());
 * }</pre>
 *
 * <p>For each {@link #send} and {@link #sendAsync}, at the moment it is called, the wrapper reads
 * the span current on the calling thread and, if there is one, opens an {@code http.client} child
 * span with the data {@code http.request.method}, {@code url} (without user info and query),
 * {@code http.query} (with secret-looking values filtered) and, once answered,
 * {@code http.response.status_code}. When the URL matches {@code tracePropagationTargets} (and is
 * not the DSN's ingest URL) it sends {@code sentry-trace}, {@code baggage} (merged with any baggage
 * already on the request) and {@code traceparent} naming that span. Nothing is taken from the span
 * that was current when the client was wrapped: that was the bug that started this project.
 *
 * <p>The span finishes when the response headers and body handler are done ({@code send}
 * returns, or the {@code sendAsync} future completes: the returned future completes only after
 * the span finished), or with {@code internal_error} ({@code deadline_exceeded} for a timeout)
 * when the request fails. With no current span the request is sent unchanged. Tracing never makes
 * a request fail.
 */
public final class TracingHttpClient extends HttpClient {
  static final String OPERATION = "http.client";

  private final HttpClient delegate;
  private final Tracer tracer; // null: Spindle.tracer(), read per request

  private TracingHttpClient(HttpClient delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  /**
   * Traces {@code delegate} with the tracer of {@link Spindle}, looked up at each request (so the
   * client may be wrapped before {@code Spindle.init}).
   */
  public static HttpClient create(HttpClient delegate) {
    return new TracingHttpClient(unwrap(Objects.requireNonNull(delegate, "delegate")), null);
  }

  /** Traces {@code delegate} with {@code tracer}. */
  public static HttpClient create(HttpClient delegate, Tracer tracer) {
    return new TracingHttpClient(unwrap(Objects.requireNonNull(delegate, "delegate")),
        Objects.requireNonNull(tracer, "tracer"));
  }

  /** Wrapping twice would trace every request twice. */
  private static HttpClient unwrap(HttpClient client) {
    return client instanceof TracingHttpClient ? ((TracingHttpClient) client).delegate : client;
  }

  /** The wrapped client. */
  public HttpClient delegate() {
    return delegate;
  }

  private Tracer tracer() {
    return tracer != null ? tracer : Spindle.tracer();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> responseBodyHandler)
      throws IOException, InterruptedException {
    Traced traced = start(request);
    if (traced == null) return delegate.send(request, responseBodyHandler);
    HttpResponse<T> response;
    try {
      response = delegate.send(traced.request, responseBodyHandler);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      traced.fail(e);
      throw e;
    }
    traced.succeed(response);
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler) {
    return sendAsync(request, responseBodyHandler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    Traced traced = start(request);
    if (traced == null) return delegate.sendAsync(request, responseBodyHandler, pushPromiseHandler);
    CompletableFuture<HttpResponse<T>> sent;
    try {
      sent = delegate.sendAsync(traced.request, responseBodyHandler, pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      traced.fail(e);
      throw e;
    }
    CompletableFuture<HttpResponse<T>> result = sent.whenComplete((response, error) -> {
      if (error != null) traced.fail(error);
      else traced.succeed(response);
    });
    // cancelling what the caller holds cancels the exchange, as it would without the wrapper
    result.whenComplete((response, error) -> {
      if (error instanceof CancellationException) sent.cancel(true);
    });
    return result;
  }

  /** Opens the span and rewrites the request with headers; null when nothing is to be traced. */
  private Traced start(HttpRequest request) {
    if (request == null) return null;
    try {
      Tracer t = tracer();
      String url = request.uri().toString();
      // The span current now, on the sending thread: never one remembered from earlier. With no
      // current span this is the no-op span, whose child records and propagates nothing.
      Span span = t.currentSpan().startChild(OPERATION);
      if (span.isRecording()) {
        String scrubbed = HttpNames.scrubUrl(url);
        span.setDescription(request.method() + " " + scrubbed);
        span.setData("http.request.method", request.method());
        span.setData("url", scrubbed);
        String query = HttpNames.scrubQuery(request.uri().getRawQuery());
        if (query != null) span.setData("http.query", query);
      }
      HttpRequest out = request;
      if (t.shouldPropagateTo(url)) {
        Carrier carrier = new Carrier(request);
        t.inject(span, carrier, Carrier.GETTER, Carrier.SETTER);
        out = carrier.build();
      }
      return new Traced(span, out);
    } catch (RuntimeException e) {
      return null; // never fail a request because of tracing
    }
  }

  /** The original request's headers, plus a copy to write into once something is set. */
  private static final class Carrier {
    static final Propagation.Getter<Carrier> GETTER = new Propagation.Getter<>() {
      @Override
      public String get(Carrier c, String key) {
        return c.original.headers().firstValue(key).orElse(null);
      }

      @Override
      public List<String> getAll(Carrier c, String key) {
        return c.original.headers().allValues(key);
      }
    };
    static final Propagation.Setter<Carrier> SETTER = (c, key, value) -> {
      if (c.copy == null) c.copy = HttpRequest.newBuilder(c.original, (n, v) -> true);
      c.copy.setHeader(key, value);
    };

    final HttpRequest original;
    HttpRequest.Builder copy;

    Carrier(HttpRequest original) {
      this.original = original;
    }

    HttpRequest build() {
      return copy == null ? original : copy.build();
    }
  }

  /** One traced exchange: its span and the request actually sent. */
  private static final class Traced {
    final Span span;
    final HttpRequest request;

    Traced(Span span, HttpRequest request) {
      this.span = span;
      this.request = request;
    }

    void succeed(HttpResponse<?> response) {
      try {
        int code = response.statusCode();
        span.setData("http.response.status_code", code);
        span.finish(SpanStatus.fromHttpStatus(code));
      } catch (RuntimeException e) {
        span.finish();
      }
    }

    void fail(Throwable error) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof HttpTimeoutException) span.setStatus(SpanStatus.DEADLINE_EXCEEDED);
      else if (cause instanceof CancellationException || cause instanceof InterruptedException) {
        span.setStatus(SpanStatus.CANCELLED);
      }
      span.setThrowable(cause);
      span.finish();
    }
  }

  // ------------------------------------------------------------ delegation, nothing traced

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  /** WebSockets are not traced. */
  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  // The lifecycle methods below exist in HttpClient from Java 21. Declared here without
  // @Override (the build targets Java 17), they override them there and reach the delegate's.

  /** On Java 21+: the wrapped client's {@code shutdown()}. */
  public void shutdown() {
    invokeLifecycle("shutdown");
  }

  /** On Java 21+: the wrapped client's {@code shutdownNow()}. */
  public void shutdownNow() {
    invokeLifecycle("shutdownNow");
  }

  /** On Java 21+: the wrapped client's {@code close()}; does nothing on older Java. */
  public void close() {
    invokeLifecycle("close");
  }

  /** On Java 21+: the wrapped client's {@code isTerminated()}; false on older Java. */
  public boolean isTerminated() {
    Object r = invokeLifecycle("isTerminated");
    return r instanceof Boolean && (Boolean) r;
  }

  /** On Java 21+: the wrapped client's {@code awaitTermination(duration)}; false on older Java. */
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    try {
      Method m = HttpClient.class.getMethod("awaitTermination", Duration.class);
      return (Boolean) m.invoke(delegate, duration);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return false;
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof InterruptedException) throw (InterruptedException) e.getCause();
      throw rethrow(e.getCause());
    }
  }

  private Object invokeLifecycle(String name) {
    try {
      return HttpClient.class.getMethod(name).invoke(delegate);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null; // Java 17-20: the client has no lifecycle
    } catch (InvocationTargetException e) {
      throw rethrow(e.getCause());
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException) throw (RuntimeException) t;
    if (t instanceof Error) throw (Error) t;
    throw new IllegalStateException(t);
  }

  @Override
  public String toString() {
    return "TracingHttpClient{" + delegate + "}";
  }
}
