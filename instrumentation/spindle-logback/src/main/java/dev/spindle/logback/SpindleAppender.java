package dev.spindle.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.spindle.Breadcrumb;
import dev.spindle.ErrorEvent;
import dev.spindle.EventLevel;
import dev.spindle.Spindle;
import dev.spindle.Tracer;

/**
 * Sends log events of {@code minimumEventLevel} (default {@code ERROR}) and above as Spindle
 * error events — message, level, logger name, the exception with its causes — tied to the span
 * current on the logging thread, so the error lands in its trace; adds events of
 * {@code minimumBreadcrumbLevel} (default {@code INFO}) and above as breadcrumbs of the current
 * scope ({@code OFF}: none). Sends through {@link Spindle#tracer()}.
 *
 * <pre>{@code
 * <appender name="SPINDLE" class="dev.spindle.logback.SpindleAppender">
 *   <minimumEventLevel>ERROR</minimumEventLevel>
 *   <minimumBreadcrumbLevel>INFO</minimumBreadcrumbLevel>
 * </appender>
 * }</pre>
 *
 * Attach it directly, not behind an {@code AsyncAppender} (whose thread has no current span).
 * Never throws; log lines produced while an event is being sent (by {@code beforeSend}, the SDK
 * itself) are not sent again.
 */
public final class SpindleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private static final ThreadLocal<Boolean> SENDING = new ThreadLocal<>();

  private Level minimumEventLevel = Level.ERROR;
  private Level minimumBreadcrumbLevel = Level.INFO;

  /** A Logback level name; unknown names are {@code ERROR}. */
  public void setMinimumEventLevel(String level) {
    this.minimumEventLevel = Level.toLevel(level, Level.ERROR);
  }

  /** A Logback level name; {@code OFF} adds no breadcrumbs; unknown names are {@code INFO}. */
  public void setMinimumBreadcrumbLevel(String level) {
    this.minimumBreadcrumbLevel = Level.toLevel(level, Level.INFO);
  }

  @Override
  protected void append(ILoggingEvent e) {
    if (SENDING.get() != null || e.getLoggerName().startsWith("dev.spindle.")) return;
    SENDING.set(Boolean.TRUE);
    try {
      Tracer tracer = Spindle.tracer();
      if (e.getLevel().isGreaterOrEqual(minimumEventLevel)) {
        tracer.captureEvent(errorEvent(e));
      } else if (e.getLevel().isGreaterOrEqual(minimumBreadcrumbLevel)) {
        tracer.addBreadcrumb(Breadcrumb.of(e.getLoggerName(), e.getFormattedMessage())
            .withLevel(level(e.getLevel())));
      }
    } catch (RuntimeException failure) {
      addError("Spindle could not record a log event", failure);
    } finally {
      SENDING.remove();
    }
  }

  private static ErrorEvent errorEvent(ILoggingEvent e) {
    IThrowableProxy proxy = e.getThrowableProxy();
    Throwable thrown = proxy instanceof ThrowableProxy ? ((ThrowableProxy) proxy).getThrowable() : null;
    ErrorEvent event = thrown != null ? ErrorEvent.of(thrown) : ErrorEvent.ofMessage(null, null);
    return event.setMessage(e.getFormattedMessage()).setLevel(level(e.getLevel()))
        .setLogger(e.getLoggerName());
  }

  static EventLevel level(Level level) {
    if (level.isGreaterOrEqual(Level.ERROR)) return EventLevel.ERROR;
    if (level.isGreaterOrEqual(Level.WARN)) return EventLevel.WARNING;
    if (level.isGreaterOrEqual(Level.INFO)) return EventLevel.INFO;
    return EventLevel.DEBUG;
  }
}
