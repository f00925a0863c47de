package dev.spindle.logback;

import dev.spindle.instrumentation.tests.AbstractLogAppenderTest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The shared suite with the appender configured by logback-test.xml, logging through SLF4J. */
class SpindleAppenderTest extends AbstractLogAppenderTest {
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  protected void log(LogLevel level, String format, Object arg, Throwable thrown) {
    LOG.atLevel(Level.valueOf(level.name())).setCause(thrown).log(format, arg);
  }
}
