package dev.spindle.spring.boot;

import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import org.springframework.beans.factory.DisposableBean;

/**
 * The application's tracer and who closes it. When Spindle has not been initialised in this JVM,
 * the tracer also becomes Spindle's static one ({@link Spindle#tracer()}, used by
 * {@code Spindle.startTransaction}, {@code Spindle.captureException}, ...), closed with the
 * context; otherwise (an earlier {@code Spindle.init}, several contexts in one JVM as in tests) the
 * application keeps its own tracer and never replaces the static one.
 */
final class ManagedTracer implements DisposableBean {
  private final Tracer tracer;
  private final boolean global;

  private ManagedTracer(Tracer tracer, boolean global) {
    this.tracer = tracer;
    this.global = global;
    SpanThreadLocalAccessor.register(tracer);
  }

  static ManagedTracer start(SpindleOptions options) {
    synchronized (Spindle.class) {
      if (!Spindle.isEnabled()) return new ManagedTracer(Spindle.init(options), true);
    }
    return new ManagedTracer(Tracer.create(options), false);
  }

  /** A tracer that records and sends nothing, for {@code spindle.enabled=false}. */
  static ManagedTracer disabled() {
    return new ManagedTracer(Tracer.create(new SpindleOptions().setEnabled(false)), false);
  }

  Tracer tracer() {
    return tracer;
  }

  /** Delivers what is queued (up to the shutdown timeout) and stops sending. */
  @Override
  public void destroy() {
    SpanThreadLocalAccessor.unregister(tracer);
    if (global && Spindle.tracer() == tracer) Spindle.close();
    else tracer.close();
  }
}
