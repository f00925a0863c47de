package dev.spindle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.User;
import dev.spindle.protocol.SpanStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit as a user meets it: their own instrumentation, asserted on in a unit test. */
class SpindleExtensionTest {
  @RegisterExtension
  static final SpindleExtension spindle = SpindleExtension.create(o -> o.setRelease("shop@1.2"));

  /** The application code under test, instrumented through the static API. */
  static final class Checkout {
    private final ManualClock clock;

    Checkout(ManualClock clock) {
      this.clock = clock;
    }

    void run(String cartId) {
      Transaction tx = Spindle.startTransaction("checkout", "task");
      try (Scope ignored = tx.makeCurrent()) {
        Spindle.setUser(User.ofId("u-" + cartId));
        Spindle.setTag("cart", cartId);
        Span load = Spindle.currentSpan().startChild("db.query", "SELECT cart");
        clock.advance(Duration.ofMillis(12));
        load.setData("db.rows", 3);
        load.finish();
        Span pay = Spindle.currentSpan().startChild("http.client", "POST /pay");
        Span sign = pay.startChild("crypto", "sign");
        clock.advance(Duration.ofMillis(5));
        sign.finish();
        clock.advance(Duration.ofMillis(25));
        pay.finish(SpanStatus.UNAVAILABLE);
      } finally {
        tx.finish();
      }
    }
  }

  @Test
  void transactionsCarryTheirSpansWithExactTimes(ManualClock clock) {
    new Checkout(clock).run("c-7");

    SentTransaction tx = spindle.transaction("checkout");
    assertEquals("task", tx.operation());
    assertEquals("shop@1.2", tx.release());
    assertEquals(Map.of("cart", "c-7"), tx.tags());
    assertEquals("u-c-7", tx.user().get("id"));
    assertEquals(ManualClock.DEFAULT_START, tx.startTimestamp());
    assertEquals(Duration.ofMillis(42), tx.duration());

    SentSpan load = tx.span("db.query");
    assertEquals("SELECT cart", load.description());
    assertEquals(Duration.ofMillis(12), load.duration());
    assertEquals(3L, load.data().get("db.rows"));
    assertEquals(tx.spanId(), load.parentSpanId());
    assertEquals(tx.traceId(), load.traceId());
    assertEquals("ok", load.status());

    SentSpan pay = tx.span("http.client");
    assertEquals("unavailable", pay.status());
    assertEquals(Duration.ofMillis(30), pay.duration());
    assertEquals(List.of(tx.span("crypto")), tx.childrenOf(pay.spanId()).stream()
        .map(s -> tx.span(s.operation())).toList());
    assertEquals(2, tx.childrenOf(tx.spanId()).size());
    assertNotEquals(load.spanId(), pay.spanId());
    assertEquals("checkout", tx.dynamicSamplingContext().get("transaction"));

    NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> tx.span("queue"));
    assertTrue(e.getMessage().contains("db.query"), e.getMessage());
  }

  @Test
  void eachTestStartsEmptyWithItsOwnTracer(Tracer tracer, InMemoryTransport transport) {
    assertTrue(transport.transactions().isEmpty(), "nothing left from other tests");
    assertSame(Spindle.tracer(), tracer);
    assertSame(spindle.transport(), transport);
    assertTrue(Spindle.isEnabled());
    assertEquals(1.0, tracer.tracesSampleRate(), "the kit samples everything");
  }

  @Test
  void errorsAreTypedAndTiedToTheirTrace() {
    Transaction tx = Spindle.startTransaction("import", "task");
    try (Scope ignored = tx.makeCurrent()) {
      Spindle.captureException(new IllegalStateException("bad row", new NumberFormatException("x")));
    }
    tx.finish();

    SentError error = spindle.errors().get(0);
    assertEquals(List.of("NumberFormatException", "IllegalStateException"), error.exceptionTypes());
    assertEquals("bad row", error.exceptionMessage());
    assertEquals(tx.traceId(), error.traceId());
    assertEquals(tx.spanId(), error.spanId());
    assertEquals("import", error.transaction());
    assertEquals(ManualClock.DEFAULT_START, error.timestamp());
    assertEquals("internal_error", spindle.transaction("import").status());
  }

  @Test
  void waitsForTransactionsFinishedOnOtherThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 4; i++) {
        int n = i;
        pool.execute(() -> Spindle.startTransaction("job-" + n, "task").finish());
      }
      assertEquals(4, spindle.transport().awaitTransactions(4).size());
    } finally {
      pool.shutdown();
    }
    AssertionError e = assertThrows(AssertionError.class, () -> spindle.transaction("job-9"));
    assertTrue(e.getMessage().startsWith("0 transactions named job-9"), e.getMessage());
  }

  @Test
  void lostEventsAndClearing(InMemoryTransport transport) {
    Transaction tx = Spindle.startTransaction("t", "task");
    tx.finish();
    assertEquals(1, transport.envelopes().size());
    transport.clear();
    assertTrue(transport.transactions().isEmpty());
    transport.recordLostEvent("sample_rate", "transaction", 2);
    assertEquals(2, transport.lostEvents("sample_rate", "transaction"));
    assertEquals(0, transport.lostEvents("queue_overflow", "transaction"));
    assertTrue(transport.errors().isEmpty());
  }
}
