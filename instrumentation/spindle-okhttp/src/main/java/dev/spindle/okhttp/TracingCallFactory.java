package dev.spindle.okhttp;

import java.io.IOException;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Timeout;

/**
 * A {@link Call.Factory} over the application's one {@link OkHttpClient} that remembers, for each
 * call, the span current (in the interceptor's tracer) when {@code execute()} or {@code enqueue()} is called, so that
 * {@link TracingInterceptor} uses it as the parent even on OkHttp's dispatcher threads. Calls
 * share the client's connection pool and dispatcher; nothing is computed when the factory or a
 * call is created.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder().addInterceptor(TracingInterceptor.create(tracer)).build();
 * Call.Factory http = TracingCallFactory.create(client);
 * http.newCall(request).enqueue(callback);   // parent: the span current here
 * }</pre>
 *
 * Callbacks receive the factory's call object and run on OkHttp's threads with no span current;
 * wrap work you hand on with {@code Spindle.wrap}. Calls implement OkHttp 4's {@link Call}
 * interface.
 */
public final class TracingCallFactory implements Call.Factory {
  private final OkHttpClient client;
  private final TracingInterceptor interceptor;

  private TracingCallFactory(OkHttpClient client, TracingInterceptor interceptor) {
    this.client = client;
    this.interceptor = interceptor;
  }

  /**
   * A factory making calls with {@code client}, which must have a {@link TracingInterceptor} among
   * its application interceptors.
   *
   * @throws IllegalArgumentException when {@code client} has no {@link TracingInterceptor}
   */
  public static TracingCallFactory create(OkHttpClient client) {
    Objects.requireNonNull(client, "client");
    TracingInterceptor traced = null;
    for (Interceptor i : client.interceptors()) {
      if (i instanceof TracingInterceptor) traced = (TracingInterceptor) i;
    }
    if (traced == null) {
      throw new IllegalArgumentException("client: has no TracingInterceptor (expected: "
          + "new OkHttpClient.Builder().addInterceptor(TracingInterceptor.create(tracer)))");
    }
    return new TracingCallFactory(client, traced);
  }

  /** The client calls are made with. */
  public OkHttpClient client() {
    return client;
  }

  @Override
  public Call newCall(Request request) {
    ParentSpan parent = new ParentSpan();
    Request tagged = request.newBuilder().tag(ParentSpan.class, parent).build();
    return new TracingCall(this, client.newCall(tagged), parent);
  }

  /** A call that records the current span when it is started. */
  static final class TracingCall implements Call {
    private final TracingCallFactory factory;
    private final Call delegate;
    private final ParentSpan parent;

    TracingCall(TracingCallFactory factory, Call delegate, ParentSpan parent) {
      this.factory = factory;
      this.delegate = delegate;
      this.parent = parent;
    }

    @Override
    public Request request() {
      return delegate.request();
    }

    @Override
    public Response execute() throws IOException {
      parent.set(factory.interceptor.tracer().currentSpan());
      return delegate.execute();
    }

    @Override
    public void enqueue(Callback responseCallback) {
      Objects.requireNonNull(responseCallback, "responseCallback");
      parent.set(factory.interceptor.tracer().currentSpan());
      delegate.enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          responseCallback.onFailure(TracingCall.this, e);
        }

        @Override
        public void onResponse(Call call, Response response) throws IOException {
          responseCallback.onResponse(TracingCall.this, response);
        }
      });
    }

    @Override
    public void cancel() {
      delegate.cancel();
    }

    @Override
    public boolean isExecuted() {
      return delegate.isExecuted();
    }

    @Override
    public boolean isCanceled() {
      return delegate.isCanceled();
    }

    @Override
    public Timeout timeout() {
      return delegate.timeout();
    }

    /** A new, unstarted call for the same request, with its own parent. */
    @Override
    public Call clone() {
      return factory.newCall(delegate.request());
    }

    @Override
    public String toString() {
      return "TracingCall(" + delegate.request().method() + " " + delegate.request().url() + ")";
    }
  }
}
