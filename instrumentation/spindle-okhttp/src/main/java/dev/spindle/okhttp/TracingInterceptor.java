package dev.spindle.okhttp;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.propagation.Propagation;
import dev.spindle.protocol.SpanStatus;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Objects;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp application interceptor that records an {@code http.client} span for every call and
 * sends the trace headers ({@code sentry-trace}, {@code baggage}, {@code traceparent}) to URLs
 * matching {@code tracePropagationTargets}. Add it once, to the one client the application
 * shares, so that connections stay pooled:
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(TracingInterceptor.create(tracer))
 *     .build();
 * }</pre>
 *
 * <p>The span's parent is the span current <em>when the call runs</em>, never when the client
 * was built. For {@code execute()} that is the caller's current span. {@code enqueue()} runs the
 * call on OkHttp's dispatcher threads, where the caller's span is not current: make calls through
 * {@link TracingCallFactory#create(okhttp3.OkHttpClient)}, which remembers the span current when
 * {@code enqueue} (or {@code execute}) is called. Without it, enqueued calls have the parent
 * current on the dispatcher thread, usually none, and are then not traced.
 *
 * <p>Recorded: description {@code "<METHOD> <url>"}, data {@code http.request.method},
 * {@code url} (without user info, query or fragment), {@code http.query} (sensitive values
 * filtered), {@code http.response.status_code}; the status from the response code, or a failure
 * status when the call throws. The span is current while the rest of the chain runs and ends
 * when the response headers have arrived.
 */
public final class TracingInterceptor implements Interceptor {
  static final String OPERATION = "http.client";

  private final Tracer tracer;

  private TracingInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  /** An interceptor recording with {@code tracer}. */
  public static TracingInterceptor create(Tracer tracer) {
    return new TracingInterceptor(Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * An interceptor recording with {@link Spindle#tracer()}, looked up on every call, so it may be
   * created before {@code Spindle.init}.
   */
  public static TracingInterceptor create() {
    return new TracingInterceptor(null);
  }

  Tracer tracer() {
    return tracer != null ? tracer : Spindle.tracer();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Tracer t = tracer();
    Request request = chain.request();
    ParentSpan captured = request.tag(ParentSpan.class);
    Span parent = captured != null && captured.get() != null ? captured.get() : t.currentSpan();

    String url = request.url().toString();
    String scrubbed = HttpNames.scrubUrl(url);
    Span span = parent.startChild(OPERATION, request.method() + " " + scrubbed);
    span.setData("http.request.method", request.method());
    span.setData("url", scrubbed);
    String query = HttpNames.scrubbedQueryOf(url);
    if (query != null) span.setData("http.query", query);

    Request outgoing = request;
    if (t.shouldPropagateTo(url)) {
      Carrier carrier = new Carrier(request);
      t.inject(span, carrier, CarrierAccess.INSTANCE, CarrierAccess.INSTANCE);
      if (carrier.builder != null) outgoing = carrier.builder.build();
    }

    Response response;
    try (Scope s = span.makeCurrent()) {
      response = chain.proceed(outgoing);
    } catch (IOException | RuntimeException | Error e) {
      span.setThrowable(e);
      span.finish(statusOf(e));
      throw e;
    }
    span.setData("http.response.status_code", response.code());
    span.finish(SpanStatus.fromHttpStatus(response.code()));
    return response;
  }

  private static SpanStatus statusOf(Throwable e) {
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException
        && "timeout".equals(e.getMessage())) {
      return SpanStatus.DEADLINE_EXCEEDED; // a socket timeout, or the call timeout
    }
    if (e instanceof IOException && "Canceled".equals(e.getMessage())) return SpanStatus.CANCELLED;
    return SpanStatus.INTERNAL_ERROR;
  }

  @Override
  public String toString() {
    return "TracingInterceptor";
  }

  /** The request being sent and, once a header is written, a builder for its copy. */
  static final class Carrier {
    final Request request;
    Request.Builder builder;

    Carrier(Request request) {
      this.request = request;
    }
  }

  enum CarrierAccess implements Propagation.Getter<Carrier>, Propagation.Setter<Carrier> {
    INSTANCE;

    @Override
    public String get(Carrier carrier, String key) {
      return carrier.request.header(key);
    }

    @Override
    public List<String> getAll(Carrier carrier, String key) {
      return carrier.request.headers(key);
    }

    @Override
    public void set(Carrier carrier, String key, String value) {
      if (carrier.builder == null) carrier.builder = carrier.request.newBuilder();
      carrier.builder.header(key, value); // replaces, so baggage stays one header
    }
  }
}
