package dev.spindle.grpc;

import dev.spindle.Scope;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.protocol.SpanStatus;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;

/**
 * A gRPC {@link ServerInterceptor} that turns every call into an {@code rpc.grpc} transaction
 * named {@code <service>/<method>} (source {@code route}), continuing the trace of the call's
 * {@code sentry-trace}/{@code baggage} or {@code traceparent} metadata:
 *
 * <pre>{@code
 * Server server = ServerBuilder.forPort(port)
 *     .addService(ServerInterceptors.intercept(orders, TracingServerInterceptor.create(tracer)))
 *     .build();
 * }</pre>
 *
 * (or {@code ServerBuilder.intercept(...)} for every service). The transaction is current while
 * the service's code runs (every listener callback, so the handler of a unary or server-streaming
 * method and each message of a streaming one), so spans and outgoing calls made there are its
 * children. Work handed to other threads needs {@code Spindle.wrap(...)} to see it.
 *
 * <p>It finishes when the call is closed, with the status sent (one to one:
 * {@code NOT_FOUND} is {@code not_found}, {@code INTERNAL} is {@code internal_error}) and data
 * {@code rpc.system} ({@code grpc}), {@code rpc.service}, {@code rpc.method},
 * {@code rpc.grpc.status_code}; {@code cancelled} when the client cancelled or its deadline
 * passed first; {@code internal_error} with the exception when the service's code throws.
 */
public final class TracingServerInterceptor implements ServerInterceptor {
  static final String OPERATION = "rpc.grpc";

  private final Tracer tracer; // null: Spindle.tracer(), read per call

  private TracingServerInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  /** An interceptor recording with {@code tracer}. */
  public static TracingServerInterceptor create(Tracer tracer) {
    return new TracingServerInterceptor(Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * An interceptor recording with {@link Spindle#tracer()}, looked up on every call, so it may be
   * created before {@code Spindle.init}.
   */
  public static TracingServerInterceptor create() {
    return new TracingServerInterceptor(null);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Transaction tx = startTransaction(call.getMethodDescriptor(), headers);
    if (tx == null) return next.startCall(call, headers);
    ServerCall.Listener<Q> listener;
    try (Scope s = tx.makeCurrent()) {
      listener = next.startCall(new FinishOnClose<>(call, tx), headers);
    } catch (RuntimeException | Error e) {
      fail(tx, e);
      throw e;
    }
    return new CurrentInCallbacks<>(listener, tx);
  }

  private Transaction startTransaction(MethodDescriptor<?, ?> method, Metadata headers) {
    try {
      Transaction tx = (tracer != null ? tracer : Spindle.tracer()).continueTrace(headers,
          MetadataAccess.INSTANCE, method.getFullMethodName(), OPERATION, TransactionSource.ROUTE);
      tx.setData("rpc.system", "grpc");
      tx.setData("rpc.service", method.getServiceName());
      tx.setData("rpc.method", method.getBareMethodName());
      return tx;
    } catch (RuntimeException e) {
      return null; // never fail a call because of tracing
    }
  }

  private static void fail(Transaction tx, Throwable e) {
    tx.setThrowable(e);
    tx.finish(SpanStatus.INTERNAL_ERROR);
  }

  @Override
  public String toString() {
    return "TracingServerInterceptor";
  }

  /** Finishes the transaction with the status the call is closed with. */
  private static final class FinishOnClose<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Transaction tx;

    FinishOnClose(ServerCall<Q, R> delegate, Transaction tx) {
      super(delegate);
      this.tx = tx;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      try {
        super.close(status, trailers);
      } finally {
        tx.setData("rpc.grpc.status_code", status.getCode().value());
        if (status.getCause() != null) tx.setThrowable(status.getCause());
        tx.finish(SpanStatus.fromGrpcCode(status.getCode().value()));
      }
    }
  }

  /** Makes the transaction current around every callback into the service's code. */
  private static final class CurrentInCallbacks<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final Transaction tx;

    CurrentInCallbacks(ServerCall.Listener<Q> delegate, Transaction tx) {
      super(delegate);
      this.tx = tx;
    }

    @Override
    public void onMessage(Q message) {
      run(() -> super.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      run(super::onHalfClose);
    }

    @Override
    public void onReady() {
      run(super::onReady);
    }

    @Override
    public void onCancel() {
      try {
        run(super::onCancel);
      } finally {
        tx.finish(SpanStatus.CANCELLED); // does nothing when the call was closed first
      }
    }

    @Override
    public void onComplete() {
      try {
        run(super::onComplete);
      } finally {
        tx.finish(); // does nothing when the call was closed, as it must be to complete
      }
    }

    private void run(Runnable callback) {
      try (Scope s = tx.makeCurrent()) {
        callback.run();
      } catch (RuntimeException | Error e) {
        fail(tx, e);
        throw e;
      }
    }
  }
}
