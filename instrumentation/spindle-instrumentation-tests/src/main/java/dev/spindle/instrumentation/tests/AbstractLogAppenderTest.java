package dev.spindle.instrumentation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Transaction;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The suite every logging appender passes. The module's test resources configure the appender,
 * through the logging library's own configuration file, to send events from WARN and keep
 * breadcrumbs from DEBUG, for a root logger at TRACE; the subclass logs through the library's API.
 */
@SuppressWarnings("try") // scopes are opened for their side effect: making spans current
public abstract class AbstractLogAppenderTest {
  /** The levels the suite logs at. */
  protected enum LogLevel { TRACE, DEBUG, WARN, ERROR }

  /** The logger every line goes to. */
  protected static final String LOGGER = "com.shop.Checkout";

  /**
   * Logs {@code format} with one argument (null when the format has no placeholder) and
   * {@code thrown} (or none) to {@link #LOGGER}.
   */
  protected abstract void log(LogLevel level, String format, Object arg, Throwable thrown);

  private final CapturingTransport transport = new CapturingTransport();

  private void init(SpindleOptions options) {
    Spindle.init(options.setTransport(transport).setTracesSampleRate(1.0).setUncaughtExceptionHandler(false));
  }

  @AfterEach
  protected void close() {
    Spindle.close();
  }

  @Test
  public void anErrorLineIsAnErrorEventInTheTraceOfTheCurrentSpanWithTheLinesBeforeItAsBreadcrumbs() {
    init(new SpindleOptions());
    Transaction tx = Spindle.startTransaction("POST /checkout", "http.server");
    Span pay = tx.startChild("http.client", "POST /pay");
    try (Scope s = tx.makeCurrent()) {
      log(LogLevel.TRACE, "below the breadcrumb level", null, null);
      log(LogLevel.DEBUG, "cart {} loaded", 42, null);
      try (Scope p = pay.makeCurrent()) {
        log(LogLevel.ERROR, "payment failed for cart {}", 42,
            new IllegalStateException("card declined", new IOException("connection reset")));
      }
    }
    pay.finish();
    tx.finish();

    List<JsonNode> events = transport.items("event");
    assertEquals(1, events.size(), events::toString);
    JsonNode e = events.get(0);
    assertEquals("error", e.get("level").asText());
    assertEquals(LOGGER, e.get("logger").asText());
    assertEquals("payment failed for cart 42", e.at("/message/formatted").asText());
    assertEquals(tx.traceId(), e.at("/contexts/trace/trace_id").asText());
    assertEquals(pay.spanId(), e.at("/contexts/trace/span_id").asText());
    assertEquals("IOException", e.at("/exception/values/0/type").asText());
    assertEquals("IllegalStateException", e.at("/exception/values/1/type").asText());
    JsonNode crumbs = e.at("/breadcrumbs/values");
    assertEquals(1, crumbs.size(), crumbs::toString);
    assertEquals("cart 42 loaded", crumbs.get(0).get("message").asText());
    assertEquals("debug", crumbs.get(0).get("level").asText());
    assertEquals(LOGGER, crumbs.get(0).get("category").asText());
  }

  @Test
  public void aWarningWithoutAnExceptionIsAMessageEventAtTheConfiguredMinimum() {
    init(new SpindleOptions());
    log(LogLevel.WARN, "disk almost full", null, null);
    JsonNode e = transport.items("event").get(0);
    assertEquals("warning", e.get("level").asText());
    assertEquals("disk almost full", e.at("/message/formatted").asText());
    assertTrue(e.at("/exception").isMissingNode());
  }

  @Test
  public void aLineLoggedWhileSendingIsNotSentAgain() {
    init(new SpindleOptions().setBeforeSend(event -> {
      log(LogLevel.ERROR, "logged by beforeSend", null, null);
      return event;
    }));
    log(LogLevel.ERROR, "the real one", null, null);
    List<JsonNode> events = transport.items("event");
    assertEquals(1, events.size(), events::toString);
    assertEquals("the real one", events.get(0).at("/message/formatted").asText());
  }
}
