package dev.spindle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Carries the current span across threads: each wrapper captures the span current when it is
 * created (for executors: when a task is submitted) and makes it current while the task runs,
 * restoring the worker's own context afterwards. The storage is looked up at capture time: for
 * {@link Spindle}'s wrappers, the storage of the tracer set by {@code init} then.
 */
final class ContextWrappers {
  private final Supplier<ContextStorage> storage;

  ContextWrappers(Supplier<ContextStorage> storage) {
    this.storage = storage;
  }

  Runnable wrap(Runnable task) {
    ContextStorage context = storage.get();
    Span captured = context.current();
    return () -> {
      try (Scope ignored = context.attach(captured)) {
        task.run();
      }
    };
  }

  <V> Callable<V> wrap(Callable<V> task) {
    ContextStorage context = storage.get();
    Span captured = context.current();
    return () -> {
      try (Scope ignored = context.attach(captured)) {
        return task.call();
      }
    };
  }

  <V> Supplier<V> wrap(Supplier<V> task) {
    ContextStorage context = storage.get();
    Span captured = context.current();
    return () -> {
      try (Scope ignored = context.attach(captured)) {
        return task.get();
      }
    };
  }

  <T, R> Function<T, R> wrap(Function<T, R> task) {
    ContextStorage context = storage.get();
    Span captured = context.current();
    return t -> {
      try (Scope ignored = context.attach(captured)) {
        return task.apply(t);
      }
    };
  }

  <T> Consumer<T> wrap(Consumer<T> task) {
    ContextStorage context = storage.get();
    Span captured = context.current();
    return t -> {
      try (Scope ignored = context.attach(captured)) {
        task.accept(t);
      }
    };
  }

  Executor wrap(Executor executor) {
    if (ours(executor)) return executor;
    return task -> executor.execute(wrap(task));
  }

  /** An executor running every task with the span current now, whoever submits it. */
  Executor bind(Executor executor) {
    ContextStorage context = storage.get();
    Span span = context.current();
    return task -> executor.execute(() -> {
      try (Scope ignored = context.attach(span)) {
        task.run();
      }
    });
  }

  ExecutorService wrap(ExecutorService executor) {
    if (ours(executor)) return executor;
    return new ContextExecutorService(executor);
  }

  ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    if (executor instanceof ContextScheduledExecutorService && ours(executor)) return executor;
    return new ContextScheduledExecutorService(executor);
  }

  /** True when {@code executor} is already wrapped by these wrappers (not another tracer's). */
  private boolean ours(Executor executor) {
    return executor instanceof ContextExecutorService
        && ((ContextExecutorService) executor).wrappers() == this;
  }

  private <T> List<Callable<T>> wrapAll(Collection<? extends Callable<T>> tasks) {
    List<Callable<T>> wrapped = new ArrayList<>(tasks.size());
    for (Callable<T> t : tasks) wrapped.add(wrap(t));
    return wrapped;
  }

  /** An ExecutorService whose tasks run in the context of their submitter. */
  class ContextExecutorService implements ExecutorService {
    final ExecutorService delegate;

    ContextExecutorService(ExecutorService delegate) {
      this.delegate = delegate;
    }

    ContextWrappers wrappers() {
      return ContextWrappers.this;
    }

    @Override public void execute(Runnable command) { delegate.execute(wrap(command)); }
    @Override public void shutdown() { delegate.shutdown(); }
    @Override public List<Runnable> shutdownNow() { return delegate.shutdownNow(); }
    @Override public boolean isShutdown() { return delegate.isShutdown(); }
    @Override public boolean isTerminated() { return delegate.isTerminated(); }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }

    @Override public <T> Future<T> submit(Callable<T> task) { return delegate.submit(wrap(task)); }
    @Override public <T> Future<T> submit(Runnable task, T result) { return delegate.submit(wrap(task), result); }
    @Override public Future<?> submit(Runnable task) { return delegate.submit(wrap(task)); }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
        throws InterruptedException {
      return delegate.invokeAll(wrapAll(tasks));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout,
        TimeUnit unit) throws InterruptedException {
      return delegate.invokeAll(wrapAll(tasks), timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
        throws InterruptedException, ExecutionException {
      return delegate.invokeAny(wrapAll(tasks));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return delegate.invokeAny(wrapAll(tasks), timeout, unit);
    }

    /** Closes the delegate (Java 19+ {@code ExecutorService.close()}), waiting for its tasks. */
    public void close() {
      if (delegate instanceof AutoCloseable) {
        try {
          ((AutoCloseable) delegate).close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      } else {
        shutdown();
        try {
          while (!awaitTermination(1, TimeUnit.DAYS)) {
            // keep waiting, as ExecutorService.close() does
          }
        } catch (InterruptedException e) {
          shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public String toString() {
      return "ContextExecutorService{" + delegate + "}";
    }
  }

  /** A ScheduledExecutorService whose tasks run in the context of their submitter. */
  final class ContextScheduledExecutorService extends ContextExecutorService
      implements ScheduledExecutorService {
    private final ScheduledExecutorService scheduled;

    ContextScheduledExecutorService(ScheduledExecutorService delegate) {
      super(delegate);
      this.scheduled = delegate;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return scheduled.schedule(wrap(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      return scheduled.schedule(wrap(callable), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
        TimeUnit unit) {
      return scheduled.scheduleAtFixedRate(wrap(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
        long delay, TimeUnit unit) {
      return scheduled.scheduleWithFixedDelay(wrap(command), initialDelay, delay, unit);
    }
  }
}
