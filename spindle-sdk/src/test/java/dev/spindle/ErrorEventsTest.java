package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.transport.DiscardReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Error events (#14 point 6): messages, levels, loggers, breadcrumbs, beforeSend, chains, uncaught. */
@SuppressWarnings("try") // scopes are opened for their side effect: making spans current
class ErrorEventsTest {
  private final CapturingTransport transport = new CapturingTransport();
  private final FakeClock clock = new FakeClock();
  private Tracer tracer = tracer(new SpindleOptions());

  private Tracer tracer(SpindleOptions options) {
    return Tracer.create(options.setTracesSampleRate(1.0).setTransport(transport).setClock(clock));
  }

  @AfterEach
  void close() {
    tracer.close();
    Spindle.close();
  }

  private JsonNode onlyEvent() {
    List<JsonNode> events = transport.items("event");
    assertEquals(1, events.size(), events::toString);
    return events.get(0);
  }

  @Test
  void captureMessageSendsAMessageEventAtItsLevelInTheCurrentTrace() {
    tracer.setTag("region", "eu");
    Transaction tx = tracer.startTransaction("checkout", "http.server");
    String id;
    try (Scope s = tx.makeCurrent()) {
      tracer.setTag("tenant", "t1");
      id = tracer.captureMessage("stock is low", EventLevel.WARNING);
    }
    tx.finish();
    JsonNode e = onlyEvent();
    assertEquals(id, e.get("event_id").asText());
    assertEquals("warning", e.get("level").asText());
    assertEquals("stock is low", e.at("/message/formatted").asText());
    assertFalse(e.has("exception"));
    assertEquals(tx.traceId(), e.at("/contexts/trace/trace_id").asText());
    assertEquals("eu", e.at("/tags/region").asText());
    assertEquals("t1", e.at("/tags/tenant").asText());
    assertEquals("ok", transport.transactions().get(0).at("/contexts/trace/status").asText(),
        "a message does not fail the transaction");
  }

  @Test
  void everyLevelHasSentrysName() {
    for (EventLevel level : EventLevel.values()) tracer.captureMessage("m", level);
    List<String> sent = new ArrayList<>();
    for (JsonNode e : transport.items("event")) sent.add(e.get("level").asText());
    assertEquals(List.of("fatal", "error", "warning", "info", "debug"), sent);
    tracer.captureMessage("no level", null);
    assertEquals("info", transport.items("event").get(5).get("level").asText());
  }

  @Test
  void anEventCarriesItsLoggerMessageAndTheWholeCauseChain() {
    Exception root = new java.io.IOException("connection reset");
    Exception error = new IllegalStateException("card declined", new RuntimeException("retry failed", root));
    tracer.captureEvent(ErrorEvent.of(error).setMessage("payment failed for order 7")
        .setLogger("com.shop.Payments").setTag("order", "7"));
    JsonNode e = onlyEvent();
    assertEquals("error", e.get("level").asText());
    assertEquals("com.shop.Payments", e.get("logger").asText());
    assertEquals("payment failed for order 7", e.at("/message/formatted").asText());
    assertEquals("7", e.at("/tags/order").asText());
    JsonNode values = e.at("/exception/values");
    assertEquals(3, values.size());
    assertEquals("IOException", values.get(0).get("type").asText());
    assertEquals("java.io", values.get(0).get("module").asText());
    assertEquals("RuntimeException", values.get(1).get("type").asText());
    assertEquals("IllegalStateException", values.get(2).get("type").asText());
    assertEquals("card declined", values.get(2).get("value").asText());
    assertFalse(values.get(2).has("mechanism"), "a captured exception was handled");
  }

  @Test
  void framesAreInAppByConfigurablePackagePrefixes() {
    Exception error = new IllegalStateException("boom");
    tracer.captureException(error);
    JsonNode byDefault = frames(onlyEvent());
    // This class is in dev.spindle (excluded by default); JUnit's frames are not excluded.
    assertFalse(frame(byDefault, ErrorEventsTest.class.getName()).get("in_app").asBoolean());
    assertTrue(frame(byDefault, "org.junit.").get("in_app").asBoolean());

    transport.envelopes.clear();
    tracer.close();
    tracer = tracer(new SpindleOptions().setInAppIncludes(List.of("dev.spindle.ErrorEvents")));
    tracer.captureException(error);
    JsonNode included = frames(onlyEvent());
    assertTrue(frame(included, ErrorEventsTest.class.getName()).get("in_app").asBoolean());
    assertFalse(frame(included, "org.junit.").get("in_app").asBoolean(), "includes given: others are not");
    assertFalse(frame(included, "java.").get("in_app").asBoolean());

    transport.envelopes.clear();
    tracer.close();
    tracer = tracer(new SpindleOptions().setInAppExcludes(List.of("org.junit.")));
    tracer.captureException(error);
    JsonNode excluded = frames(onlyEvent());
    assertTrue(frame(excluded, ErrorEventsTest.class.getName()).get("in_app").asBoolean());
    assertFalse(frame(excluded, "org.junit.").get("in_app").asBoolean());
  }

  private static JsonNode frames(JsonNode event) {
    JsonNode values = event.at("/exception/values");
    return values.get(values.size() - 1).at("/stacktrace/frames");
  }

  private static JsonNode frame(JsonNode frames, String classPrefix) {
    for (JsonNode f : frames) if (f.get("module").asText().startsWith(classPrefix)) return f;
    throw new AssertionError("no frame of " + classPrefix + " in " + frames);
  }

  @Test
  void breadcrumbsWithLevelAndTypeReachErrorEventsOfTheirRequestOnly() {
    tracer.addBreadcrumb(Breadcrumb.of("app", "started"));
    Transaction tx = tracer.startTransaction("checkout", "http.server");
    Transaction other = tracer.startTransaction("other", "http.server");
    try (Scope s = other.makeCurrent()) {
      tracer.addBreadcrumb(Breadcrumb.of("other", "not mine"));
    }
    try (Scope s = tx.makeCurrent()) {
      clock.advanceMicros(10);
      tracer.addBreadcrumb(Breadcrumb.of("db", "SELECT 1").withType("query").withLevel(EventLevel.DEBUG));
      tracer.captureException(new IllegalStateException("boom"));
    }
    JsonNode crumbs = onlyEvent().at("/breadcrumbs/values");
    assertEquals(2, crumbs.size(), crumbs::toString);
    assertEquals("started", crumbs.get(0).get("message").asText());
    assertFalse(crumbs.get(0).has("level"));
    assertEquals("SELECT 1", crumbs.get(1).get("message").asText());
    assertEquals("query", crumbs.get(1).get("type").asText());
    assertEquals("debug", crumbs.get(1).get("level").asText());
  }

  @Test
  void beforeSendMayChangeOrDropAnEventAndDropsAreReported() {
    List<ErrorEvent> seen = new CopyOnWriteArrayList<>();
    tracer = tracer(new SpindleOptions().setTag("region", "eu").setBeforeSend(e -> {
      seen.add(e);
      if ("noise".equals(e.message())) return null;
      return e.setLevel(EventLevel.WARNING).setTag("checked", "yes");
    }));
    tracer.setUser(User.ofId("u1"));
    tracer.captureMessage("noise", EventLevel.ERROR);
    tracer.captureMessage("signal", EventLevel.ERROR);
    assertEquals(2, seen.size());
    assertEquals("eu", seen.get(0).tags().get("region"), "the hook sees the scope's tags");
    assertEquals("u1", seen.get(0).user().id(), "and its user");
    JsonNode e = onlyEvent();
    assertEquals("signal", e.at("/message/formatted").asText());
    assertEquals("warning", e.get("level").asText());
    assertEquals("yes", e.at("/tags/checked").asText());
    assertEquals("u1", e.at("/user/id").asText());
    assertEquals(1, transport.lost(DiscardReason.BEFORE_SEND, "error"));
  }

  @Test
  void aThrowingBeforeSendSendsTheEventUnchanged() {
    tracer = tracer(new SpindleOptions().setBeforeSend(e -> {
      throw new IllegalStateException("bug in the hook");
    }));
    String id = tracer.captureMessage("still sent", EventLevel.INFO);
    assertEquals(id, onlyEvent().get("event_id").asText());
  }

  @Test
  void wrongCallsSendNothingAndThrowNothing() {
    assertEquals(NoopSpan.INVALID_TRACE_ID, tracer.captureMessage(null, EventLevel.INFO));
    assertEquals(NoopSpan.INVALID_TRACE_ID, tracer.captureEvent(null));
    assertEquals(NoopSpan.INVALID_TRACE_ID, tracer.captureException(null));
    assertTrue(Misuse.count("captureMessage(null)") > 0);
    assertTrue(transport.items("event").isEmpty());
  }

  @Test
  void uncaughtExceptionsAreSentAsFatalAndPassedToThePreviousHandler() throws Exception {
    Thread.UncaughtExceptionHandler original = Thread.getDefaultUncaughtExceptionHandler();
    List<Throwable> passedOn = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler previous = (t, e) -> passedOn.add(e);
    Thread.setDefaultUncaughtExceptionHandler(previous);
    try {
      Spindle.init(new SpindleOptions().setTransport(transport).setClock(clock));
      assertTrue(Thread.getDefaultUncaughtExceptionHandler() instanceof UncaughtHandler);
      IllegalStateException error = new IllegalStateException("worker died");
      Thread worker = new Thread(() -> {
        throw error;
      }, "worker");
      worker.start();
      worker.join(10_000);
      assertEquals(List.of(error), passedOn);
      JsonNode e = onlyEvent();
      assertEquals("fatal", e.get("level").asText());
      JsonNode mechanism = e.at("/exception/values/0/mechanism");
      assertEquals(UncaughtHandler.MECHANISM, mechanism.get("type").asText());
      assertFalse(mechanism.get("handled").asBoolean());

      Spindle.close();
      assertSame(previous, Thread.getDefaultUncaughtExceptionHandler(), "close restores it");
      Spindle.init(new SpindleOptions().setTransport(transport).setUncaughtExceptionHandler(false));
      assertSame(previous, Thread.getDefaultUncaughtExceptionHandler(), "opted out");
    } finally {
      Spindle.close();
      Thread.setDefaultUncaughtExceptionHandler(original);
    }
  }

  @Test
  void errorEventsStillCarryNoTraceOutsideATransaction() {
    tracer.captureMessage("alone", EventLevel.INFO);
    JsonNode e = onlyEvent();
    assertFalse(e.has("contexts"));
    assertNull(transport.envelopes.get(0).traceJson());
  }
}
