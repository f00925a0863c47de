package dev.spindle;

import java.io.PrintStream;

/**
 * The default uncaught-exception handler {@link Spindle#init} installs: sends what killed a thread
 * as an unhandled {@code fatal} event through {@link Spindle#tracer()}, waits up to the shutdown
 * timeout for delivery, then passes the exception on to the handler installed before it (or
 * prints it, as the JVM would have). {@link Spindle#close()} puts the previous one back.
 */
final class UncaughtHandler implements Thread.UncaughtExceptionHandler {
  static final String MECHANISM = "UncaughtExceptionHandler";
  private static UncaughtHandler installed;

  private final Thread.UncaughtExceptionHandler previous;

  private UncaughtHandler(Thread.UncaughtExceptionHandler previous) {
    this.previous = previous;
  }

  static synchronized void install() {
    if (installed != null && Thread.getDefaultUncaughtExceptionHandler() == installed) return;
    installed = new UncaughtHandler(Thread.getDefaultUncaughtExceptionHandler());
    Thread.setDefaultUncaughtExceptionHandler(installed);
  }

  /** Restores the previous handler, unless another one was installed over this one since. */
  static synchronized void uninstall() {
    if (installed == null) return;
    if (Thread.getDefaultUncaughtExceptionHandler() == installed) {
      Thread.setDefaultUncaughtExceptionHandler(installed.previous);
    }
    installed = null;
  }

  @Override
  public void uncaughtException(Thread thread, Throwable error) {
    try {
      Tracer tracer = Spindle.tracer();
      tracer.captureEvent(ErrorEvent.of(error).setLevel(EventLevel.FATAL).unhandled(MECHANISM));
      tracer.flush(tracer.options.getShutdownTimeout());
    } catch (RuntimeException e) {
      // never stand between the application and its own handler
    }
    if (previous != null) {
      previous.uncaughtException(thread, error);
    } else {
      PrintStream err = System.err;
      err.print("Exception in thread \"" + thread.getName() + "\" ");
      error.printStackTrace(err);
    }
  }
}
