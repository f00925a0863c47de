package dev.spindle.grpc;

import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.protocol.SpanStatus;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Objects;

/**
 * A gRPC {@link ClientInterceptor} that records an {@code rpc.grpc} span for every call and sends
 * the trace headers ({@code sentry-trace}, {@code baggage}, {@code traceparent}) in the call's
 * metadata. Add it once, to the channel the application shares:
 *
 * <pre>{@code
 * ManagedChannel channel = ManagedChannelBuilder.forTarget("orders:443")
 *     .intercept(TracingClientInterceptor.create(tracer))
 *     .build();
 * }</pre>
 *
 * <p>The span's parent is the span current <em>when the call starts</em> ({@code ClientCall.start},
 * which stubs run on the calling thread), never when the channel or stub was built; with no
 * current span the call is not traced and carries no headers. Headers are sent when
 * {@code tracePropagationTargets} matches {@code <authority>/<service>/<method>}, e.g.
 * {@code orders:443/shop.Orders/Get} (by default, every call).
 *
 * <p>Recorded: description {@code <service>/<method>}, data {@code rpc.system} ({@code grpc}),
 * {@code rpc.service}, {@code rpc.method}, {@code server.address} (the authority) and
 * {@code rpc.grpc.status_code}; the status from the call's gRPC status code (one to one:
 * {@code NOT_FOUND} is {@code not_found}, {@code INTERNAL} is {@code internal_error}). Unary and
 * streaming calls alike: the span ends when the call closes, with the status the server sent or
 * the client decided (deadline, cancellation). Tracing never fails a call.
 */
public final class TracingClientInterceptor implements ClientInterceptor {
  static final String OPERATION = "rpc.grpc";

  private final Tracer tracer; // null: Spindle.tracer(), read per call

  private TracingClientInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  /** An interceptor recording with {@code tracer}. */
  public static TracingClientInterceptor create(Tracer tracer) {
    return new TracingClientInterceptor(Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * An interceptor recording with {@link Spindle#tracer()}, looked up on every call, so it may be
   * created before {@code Spindle.init}.
   */
  public static TracingClientInterceptor create() {
    return new TracingClientInterceptor(null);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions callOptions, Channel next) {
    return new TracedCall<>(next.newCall(method, callOptions), method, next.authority(),
        tracer != null ? tracer : Spindle.tracer());
  }

  @Override
  public String toString() {
    return "TracingClientInterceptor";
  }

  /** A call whose span starts with it. */
  private static final class TracedCall<Q, R>
      extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final String authority;
    private final Tracer tracer;

    TracedCall(ClientCall<Q, R> delegate, MethodDescriptor<Q, R> method, String authority,
        Tracer tracer) {
      super(delegate);
      this.method = method;
      this.authority = authority;
      this.tracer = tracer;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      Span span = startSpan(headers);
      if (span == null) {
        super.start(listener, headers);
        return;
      }
      try {
        super.start(new FinishOnClose<>(listener, span), headers);
      } catch (RuntimeException | Error e) {
        span.setThrowable(e);
        span.finish(SpanStatus.INTERNAL_ERROR);
        throw e;
      }
    }

    /** A child of the span current now, its headers written; null when the call is not traced. */
    private Span startSpan(Metadata headers) {
      try {
        String name = method.getFullMethodName();
        Span span = tracer.currentSpan().startChild(OPERATION, name);
        if (span.isNoop()) return null;
        span.setData("rpc.system", "grpc");
        span.setData("rpc.service", method.getServiceName());
        span.setData("rpc.method", method.getBareMethodName());
        if (authority != null) span.setData("server.address", authority);
        String target = authority == null ? name : authority + "/" + name;
        if (tracer.shouldPropagateTo(target)) {
          tracer.inject(span, headers, MetadataAccess.INSTANCE, MetadataAccess.INSTANCE);
        }
        return span;
      } catch (RuntimeException e) {
        return null; // never fail a call because of tracing
      }
    }
  }

  /** Ends the span with the call's status. */
  private static final class FinishOnClose<R>
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<R> {
    private final Span span;

    FinishOnClose(ClientCall.Listener<R> delegate, Span span) {
      super(delegate);
      this.span = span;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      span.setData("rpc.grpc.status_code", status.getCode().value());
      if (status.getCause() != null) span.setThrowable(status.getCause());
      span.finish(SpanStatus.fromGrpcCode(status.getCode().value()));
      super.onClose(status, trailers);
    }
  }
}
