package dev.spindle.logback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Transaction;
import dev.spindle.instrumentation.tests.CapturingTransport;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The appender as configured by logback-test.xml (events from WARN, breadcrumbs from DEBUG). */
@SuppressWarnings("try") // scopes are opened for their side effect: making spans current
class SpindleAppenderTest {
  private static final Logger LOG = LoggerFactory.getLogger("com.shop.Checkout");
  private final CapturingTransport transport = new CapturingTransport();

  private void init(SpindleOptions options) {
    Spindle.init(options.setTransport(transport).setTracesSampleRate(1.0).setUncaughtExceptionHandler(false));
  }

  @AfterEach
  void close() {
    Spindle.close();
  }

  @Test
  void anErrorLineIsAnErrorEventInTheTraceOfTheCurrentSpanWithTheLinesBeforeItAsBreadcrumbs() {
    init(new SpindleOptions());
    Transaction tx = Spindle.startTransaction("POST /checkout", "http.server");
    Span pay = tx.startChild("http.client", "POST /pay");
    try (Scope s = tx.makeCurrent()) {
      LOG.trace("below the breadcrumb level");
      LOG.debug("cart {} loaded", 42);
      try (Scope p = pay.makeCurrent()) {
        LOG.error("payment failed for cart {}", 42,
            new IllegalStateException("card declined", new IOException("connection reset")));
      }
    }
    pay.finish();
    tx.finish();

    List<JsonNode> events = transport.items("event");
    assertEquals(1, events.size(), events::toString);
    JsonNode e = events.get(0);
    assertEquals("error", e.get("level").asText());
    assertEquals("com.shop.Checkout", e.get("logger").asText());
    assertEquals("payment failed for cart 42", e.at("/message/formatted").asText());
    assertEquals(tx.traceId(), e.at("/contexts/trace/trace_id").asText());
    assertEquals(pay.spanId(), e.at("/contexts/trace/span_id").asText());
    assertEquals("IOException", e.at("/exception/values/0/type").asText());
    assertEquals("IllegalStateException", e.at("/exception/values/1/type").asText());
    JsonNode crumbs = e.at("/breadcrumbs/values");
    assertEquals(1, crumbs.size(), crumbs::toString);
    assertEquals("cart 42 loaded", crumbs.get(0).get("message").asText());
    assertEquals("debug", crumbs.get(0).get("level").asText());
    assertEquals("com.shop.Checkout", crumbs.get(0).get("category").asText());
  }

  @Test
  void aWarningWithoutAnExceptionIsAMessageEventAtTheConfiguredMinimum() {
    init(new SpindleOptions());
    LOG.warn("disk almost full");
    JsonNode e = transport.items("event").get(0);
    assertEquals("warning", e.get("level").asText());
    assertEquals("disk almost full", e.at("/message/formatted").asText());
    assertTrue(e.at("/exception").isMissingNode());
  }

  @Test
  void aLineLoggedWhileSendingIsNotSentAgain() {
    init(new SpindleOptions().setBeforeSend(event -> {
      LOG.error("logged by beforeSend");
      return event;
    }));
    LOG.error("the real one");
    List<JsonNode> events = transport.items("event");
    assertEquals(1, events.size(), events::toString);
    assertEquals("the real one", events.get(0).at("/message/formatted").asText());
  }
}
