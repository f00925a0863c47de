package dev.spindle.log4j2;

import dev.spindle.instrumentation.tests.AbstractLogAppenderTest;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The shared suite with the appender configured by log4j2-test.xml, logging through the Log4j API. */
class SpindleAppenderTest extends AbstractLogAppenderTest {
  private static final Logger LOG = LogManager.getLogger(LOGGER);

  @Override
  protected void log(LogLevel level, String format, Object arg, Throwable thrown) {
    LOG.atLevel(Level.valueOf(level.name())).withThrowable(thrown).log(format, arg);
  }
}
