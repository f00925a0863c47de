package dev.spindle;

import dev.spindle.propagation.Propagation;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The static entry point most applications use: {@code Spindle.init(o -> o.setDsn(...))} once,
 * then {@link #startTransaction}, {@link #currentSpan()} and the wrappers anywhere. Before
 * {@code init} (and after {@code close}) everything works and records nothing.
 *
 * <h2>Carrying the current span across threads</h2>
 * A span is current on the thread that made it current. To carry it into other threads:
 * <ul>
 *   <li>executors: {@code Spindle.wrap(executorService)} — each task runs with the span that was
 *       current when it was submitted; this works for virtual-thread executors too
 *       ({@code Spindle.wrap(Executors.newVirtualThreadPerTaskExecutor())});
 *   <li>single tasks: {@code Spindle.wrap(runnable | callable)}, {@code wrapSupplier},
 *       {@code wrapFunction}, {@code wrapConsumer}
 *       capture the span current when {@code wrap} is called;
 *   <li>{@code CompletableFuture}: pass a wrapped executor to every {@code *Async} stage
 *       ({@code supplyAsync(task, Spindle.wrap(pool))}), or wrap the task itself:
 *       {@code supplyAsync(Spindle.wrapSupplier(task))}, or, for {@code *Async} stages without an
 *       executor (the common pool), wrap the function: {@code thenApplyAsync(Spindle.wrapFunction(fn))}.
 *       A wrapped executor captures at submit time, and dependent stages are submitted by the
 *       thread that completed the previous stage, so for a whole chain use an executor bound at
 *       assembly time: {@link #contextExecutor()}.
 * </ul>
 *
 * <h2>Scopes: user, tags, contexts, breadcrumbs</h2>
 * Each transaction holds the scope of its request, started as a copy of the scope current when
 * it began. {@link #setUser}, {@link #setTag}, {@link #setContext} and {@link #addBreadcrumb}
 * change the scope of the transaction current on the calling thread, so they follow the request
 * wherever its span is carried and never reach another request. Called where no transaction is
 * current, they change the global scope, which every transaction and error gets (a request's
 * own values win). Tags set in the options start the global scope.
 */
public final class Spindle {
  private static volatile Tracer tracer;
  /** Wrappers carrying the span of the tracer set by {@link #init} when a task is submitted. */
  private static final ContextWrappers WRAPPERS = new ContextWrappers(() -> tracer().storage);
  private static Thread shutdownHook;

  private Spindle() {}

  /**
   * Configures Spindle: what {@code configuration} sets, then system properties
   * ({@code spindle.dsn}), the environment ({@code SPINDLE_DSN}) and {@code spindle.properties}
   * for the rest (see {@link SpindleOptions}). Replaces (and closes) any earlier tracer. Registers
   * a shutdown hook that delivers what is queued.
   */
  public static synchronized Tracer init(Consumer<SpindleOptions> configuration) {
    SpindleOptions options = new SpindleOptions();
    if (configuration != null) configuration.accept(options);
    else Misuse.report("Spindle.init(null)");
    return init(options);
  }

  /**
   * Configures Spindle with {@code options}, completed as {@link #init(Consumer)} does; installs
   * the uncaught-exception handler unless {@link SpindleOptions#setUncaughtExceptionHandler} turned
   * it off.
   */
  public static synchronized Tracer init(SpindleOptions options) {
    Tracer created = Tracer.create(options);
    Tracer previous = tracer;
    tracer = created;
    if (previous != null) previous.close();
    if (created.isEnabled() && created.options().isUncaughtExceptionHandler()) UncaughtHandler.install();
    else UncaughtHandler.uninstall();
    if (shutdownHook == null) {
      shutdownHook = new Thread(Spindle::close, "spindle-shutdown");
      try {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        shutdownHook = null;
      }
    }
    return created;
  }

  /**
   * Delivers what is queued, up to the shutdown timeout, and stops Spindle; puts back the
   * uncaught-exception handler that was there before {@link #init}.
   */
  public static void close() {
    Tracer t;
    synchronized (Spindle.class) {
      t = tracer;
      tracer = null;
      UncaughtHandler.uninstall();
      if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to
        }
        shutdownHook = null;
      }
    }
    if (t != null) t.close();
  }

  /** Waits until what is queued is delivered; false when the timeout passed first. */
  public static boolean flush(Duration timeout) {
    Tracer t = tracer;
    return t == null || t.flush(timeout);
  }

  /** True after {@link #init} (unless configured with {@code enabled=false}) and before {@link #close()}. */
  public static boolean isEnabled() {
    Tracer t = tracer;
    return t != null && t.isEnabled();
  }

  /** The tracer set by {@link #init}, or a tracer that records and sends nothing. */
  public static Tracer tracer() {
    Tracer t = tracer;
    return t != null ? t : NoopTracerHolder.NOOP;
  }

  public static Transaction startTransaction(String name, String operation) {
    return tracer().startTransaction(name, operation);
  }

  public static Transaction startTransaction(TransactionContext context) {
    return tracer().startTransaction(context);
  }

  /** Starts a transaction continuing the trace in an incoming request's headers. */
  public static <C> Transaction continueTrace(C carrier, Propagation.Getter<C> getter, String name,
      String operation, TransactionSource source) {
    return tracer().continueTrace(carrier, getter, name, operation, source);
  }

  /** Writes the current span's trace headers into an outgoing request, if any span is current. */
  public static <C> void inject(C carrier, Propagation.Setter<C> setter) {
    tracer().inject(currentSpan(), carrier, setter);
  }

  /** The span current on this thread, or a no-op span; never null. */
  public static Span currentSpan() {
    return tracer().currentSpan();
  }

  /** Sends an error event tied to the current span's trace; returns its event id. */
  public static String captureException(Throwable error) {
    return tracer().captureException(error);
  }

  /** Sends a message event at {@code level} tied to the current span's trace; returns its event id. */
  public static String captureMessage(String message, EventLevel level) {
    return tracer().captureMessage(message, level);
  }

  /**
   * Sends an error event made with {@link ErrorEvent#of} or {@link ErrorEvent#ofMessage} (a
   * level, a logger name, tags), tied to the current span's trace; returns its event id.
   */
  public static String captureEvent(ErrorEvent event) {
    return tracer().captureEvent(event);
  }

  /**
   * Sets a tag on the current scope: inside a request (a transaction is current on this thread,
   * or was carried here by {@link #wrap} or {@link #contextExecutor}) the request's own scope,
   * sent with that request's transaction and errors only; outside any request the global scope,
   * sent with every transaction and error from now on. A null value removes the tag.
   */
  public static void setTag(String key, String value) {
    tracer().setTag(key, value);
  }

  /** Sets the user of the current scope; see {@link #setTag} for which scope that is. */
  public static void setUser(User user) {
    tracer().setUser(user);
  }

  /** Sets a context (a copy of {@code values}) on the current scope; see {@link #setTag}. */
  public static void setContext(String key, java.util.Map<String, ?> values) {
    tracer().setContext(key, values);
  }

  /** Adds a breadcrumb, timed now, to the current scope; see {@link #setTag}. */
  public static void addBreadcrumb(Breadcrumb breadcrumb) {
    tracer().addBreadcrumb(breadcrumb);
  }

  /**
   * Adds a decorator run whenever a span becomes current (for example to put trace ids into a
   * logging MDC). Applies to every tracer, as the current span does.
   */
  public static void addScopeDecorator(ScopeDecorator decorator) {
    ContextStorage.addDecorator(Objects.requireNonNull(decorator, "decorator"));
  }

  public static void removeScopeDecorator(ScopeDecorator decorator) {
    ContextStorage.removeDecorator(Objects.requireNonNull(decorator, "decorator"));
  }

  public static Runnable wrap(Runnable task) {
    return WRAPPERS.wrap(Objects.requireNonNull(task, "task"));
  }

  public static <V> Callable<V> wrap(Callable<V> task) {
    return WRAPPERS.wrap(Objects.requireNonNull(task, "task"));
  }

  /** Named apart from {@code wrap} so that value lambdas are not ambiguous with Callable. */
  public static <V> Supplier<V> wrapSupplier(Supplier<V> task) {
    return WRAPPERS.wrap(Objects.requireNonNull(task, "task"));
  }

  public static <T, R> Function<T, R> wrapFunction(Function<T, R> task) {
    return WRAPPERS.wrap(Objects.requireNonNull(task, "task"));
  }

  public static <T> Consumer<T> wrapConsumer(Consumer<T> task) {
    return WRAPPERS.wrap(Objects.requireNonNull(task, "task"));
  }

  public static Executor wrap(Executor executor) {
    return WRAPPERS.wrap(Objects.requireNonNull(executor, "executor"));
  }

  public static ExecutorService wrap(ExecutorService executor) {
    return WRAPPERS.wrap(Objects.requireNonNull(executor, "executor"));
  }

  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return WRAPPERS.wrap(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * An executor on the common fork-join pool that runs every task with the span current
   * <em>now</em>, when this method is called. Meant for {@code CompletableFuture} chains, whose
   * dependent stages are submitted by whichever thread completes the previous stage:
   * <pre>{@code
   * Executor ex = Spindle.contextExecutor();
   * supplyAsync(this::load, ex).thenApplyAsync(this::parse, ex);
   * }</pre>
   */
  public static Executor contextExecutor() {
    return contextExecutor(ForkJoinPool.commonPool());
  }

  /** Like {@link #contextExecutor()}, running tasks on {@code executor}. */
  public static Executor contextExecutor(Executor executor) {
    return WRAPPERS.bind(Objects.requireNonNull(executor, "executor"));
  }

  private static final class NoopTracerHolder {
    static final Tracer NOOP = Tracer.unconfigured();
  }
}
