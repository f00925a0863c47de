package dev.spindle.spring.boot;

import dev.spindle.Scope;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionContext;
import dev.spindle.TransactionSource;
import dev.spindle.protocol.SpanStatus;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.springframework.scheduling.support.ScheduledTaskObservationContext;

/**
 * One run of a {@code @Scheduled} method as a transaction of its own (a new trace each run), from
 * the observation Spring makes of every run: op {@value #OPERATION}, named {@code Class.method}
 * (source {@code task}), current while the method runs; an exception is sent as an error event of
 * the run's trace and ends the transaction {@code internal_error} (Spring's error handler still
 * gets it). Handles only {@link ScheduledTaskObservationContext}s.
 */
final class ScheduledRunHandler implements ObservationHandler<ScheduledTaskObservationContext> {
  static final String OPERATION = "task.scheduled";

  private final Tracer tracer;

  ScheduledRunHandler(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void onStart(ScheduledTaskObservationContext context) {
    String name = context.getTargetClass().getSimpleName() + "." + context.getMethod().getName();
    context.put(Transaction.class, tracer.startTransaction(TransactionContext.builder(name, OPERATION)
        .source(TransactionSource.TASK).build()));
  }

  @Override
  public void onScopeOpened(ScheduledTaskObservationContext context) {
    Transaction tx = context.get(Transaction.class);
    if (tx != null) context.put(Scope.class, tx.makeCurrent());
  }

  @Override
  public void onScopeClosed(ScheduledTaskObservationContext context) {
    Scope scope = context.get(Scope.class);
    context.remove(Scope.class);
    if (scope != null) scope.close();
  }

  @Override
  public void onError(ScheduledTaskObservationContext context) {
    Transaction tx = context.get(Transaction.class);
    Throwable error = context.getError();
    if (tx == null || error == null) return;
    tx.setThrowable(error);
    try (Scope s = tx.makeCurrent()) { // the observation's scope closed before the error is reported
      tracer.captureException(error);
    }
  }

  @Override
  public void onStop(ScheduledTaskObservationContext context) {
    Transaction tx = context.get(Transaction.class);
    if (tx != null) tx.finish(context.getError() != null ? SpanStatus.INTERNAL_ERROR : SpanStatus.OK);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ScheduledTaskObservationContext;
  }
}
