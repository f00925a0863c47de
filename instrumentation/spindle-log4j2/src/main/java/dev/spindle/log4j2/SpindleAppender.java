package dev.spindle.log4j2;

import dev.spindle.Breadcrumb;
import dev.spindle.ErrorEvent;
import dev.spindle.EventLevel;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;

/**
 * Sends log events of {@code minimumEventLevel} (default {@code ERROR}) and above as Spindle
 * error events — message, level, logger name, the exception with its causes — tied to the span
 * current on the logging thread, so the error lands in its trace; adds events of
 * {@code minimumBreadcrumbLevel} (default {@code INFO}) and above as breadcrumbs of the current
 * scope ({@code OFF}: none). Sends through {@link Spindle#tracer()}.
 *
 * <pre>{@code
 * <Appenders>
 *   <Spindle name="SPINDLE" minimumEventLevel="ERROR" minimumBreadcrumbLevel="INFO"/>
 * </Appenders>
 * }</pre>
 *
 * Use it from synchronous loggers (an async logger's thread has no current span). Never throws;
 * log lines produced while an event is being sent (by {@code beforeSend}, the SDK itself) are not
 * sent again.
 */
@Plugin(name = "Spindle", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE)
public final class SpindleAppender extends AbstractAppender {
  private static final ThreadLocal<Boolean> SENDING = new ThreadLocal<>();

  private final Level minimumEventLevel;
  private final Level minimumBreadcrumbLevel;

  private SpindleAppender(Builder b) {
    super(b.getName(), b.getFilter(), null, true, Property.EMPTY_ARRAY);
    this.minimumEventLevel = b.minimumEventLevel;
    this.minimumBreadcrumbLevel = b.minimumBreadcrumbLevel;
  }

  @PluginBuilderFactory
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds the appender from its configuration element. */
  public static final class Builder extends AbstractAppender.Builder<Builder>
      implements org.apache.logging.log4j.core.util.Builder<SpindleAppender> {
    @PluginBuilderAttribute
    private Level minimumEventLevel = Level.ERROR;
    @PluginBuilderAttribute
    private Level minimumBreadcrumbLevel = Level.INFO;

    public Builder setMinimumEventLevel(Level level) {
      this.minimumEventLevel = level;
      return this;
    }

    /** {@code OFF} adds no breadcrumbs. */
    public Builder setMinimumBreadcrumbLevel(Level level) {
      this.minimumBreadcrumbLevel = level;
      return this;
    }

    @Override
    public SpindleAppender build() {
      return new SpindleAppender(this);
    }
  }

  @Override
  public void append(LogEvent e) {
    if (SENDING.get() != null || e.getLoggerName().startsWith("dev.spindle.")) return;
    SENDING.set(Boolean.TRUE);
    try {
      Tracer tracer = Spindle.tracer();
      String message = e.getMessage() == null ? null : e.getMessage().getFormattedMessage();
      if (e.getLevel().isMoreSpecificThan(minimumEventLevel)) {
        ErrorEvent event = e.getThrown() != null ? ErrorEvent.of(e.getThrown()) : ErrorEvent.ofMessage(null, null);
        tracer.captureEvent(event.setMessage(message).setLevel(level(e.getLevel()))
            .setLogger(e.getLoggerName()));
      } else if (e.getLevel().isMoreSpecificThan(minimumBreadcrumbLevel)) {
        tracer.addBreadcrumb(Breadcrumb.of(e.getLoggerName(), message).withLevel(level(e.getLevel())));
      }
    } catch (RuntimeException failure) {
      error("Spindle could not record a log event", e, failure);
    } finally {
      SENDING.remove();
    }
  }

  static EventLevel level(Level level) {
    if (level.isMoreSpecificThan(Level.FATAL)) return EventLevel.FATAL;
    if (level.isMoreSpecificThan(Level.ERROR)) return EventLevel.ERROR;
    if (level.isMoreSpecificThan(Level.WARN)) return EventLevel.WARNING;
    if (level.isMoreSpecificThan(Level.INFO)) return EventLevel.INFO;
    return EventLevel.DEBUG;
  }
}
