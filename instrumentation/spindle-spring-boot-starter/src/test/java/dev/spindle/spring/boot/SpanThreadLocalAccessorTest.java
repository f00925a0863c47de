package dev.spindle.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.transport.Transport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/** Plain Reactor with automatic context propagation and the accessor, no Spring. */
@Timeout(30)
class SpanThreadLocalAccessorTest {
  private static final Tracer TRACER = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
      .setTransport(Transport.noop()));
  private static Scheduler single;

  @BeforeAll
  static void hooks() {
    Hooks.enableAutomaticContextPropagation(); // as the starter does
    SpanThreadLocalAccessor.register(TRACER); // as the starter does for its tracer
    single = Schedulers.newSingle("accessor-test");
  }

  @AfterAll
  static void close() {
    single.dispose();
    SpanThreadLocalAccessor.unregister(TRACER);
    TRACER.close();
  }

  @Test
  void spanCurrentWhereTheChainIsBlockedOnIsCurrentAfterThreadHops() {
    Transaction tx = TRACER.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      String seen = Mono.just(1)
          .publishOn(Schedulers.boundedElastic())
          .map(x -> TRACER.currentSpan().spanId())
          .delayElement(Duration.ofMillis(1))
          .map(first -> first + " " + TRACER.currentSpan().spanId())
          .block(Duration.ofSeconds(5));
      assertEquals(tx.spanId() + " " + tx.spanId(), seen);
      assertSame(tx, TRACER.currentSpan());
    }
    tx.finish();
  }

  /** Reactor captures no context here; the span current where the chain is subscribed stays current. */
  @Test
  void chainSubscribedWithoutCaptureSeesTheSubscribersSpan() throws Exception {
    Transaction tx = TRACER.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      String seen = Mono.fromSupplier(() -> TRACER.currentSpan().spanId()).map(id -> id).toFuture()
          .get(5, TimeUnit.SECONDS);
      assertEquals(tx.spanId(), seen);
    }
    tx.finish();
  }

  @Test
  void contextSpanWinsOverTheThreadsSpan() {
    Transaction inContext = TRACER.startTransaction("in context", "task");
    Sinks.One<String> sink = Sinks.one();
    AtomicReference<Span> seen = new AtomicReference<>();
    sink.asMono().map(x -> TRACER.currentSpan()).contextWrite(Context.of(SpanThreadLocalAccessor.KEY, inContext))
        .subscribe(seen::set);
    Transaction other = TRACER.startTransaction("other", "task");
    try (Scope s = other.makeCurrent()) {
      sink.tryEmitValue("x"); // runs the subscriber's operators on this thread
      assertSame(other, TRACER.currentSpan(), "restored after the operators ran");
    }
    assertSame(inContext, seen.get());
    other.finish();
    inContext.finish();
  }

  @Test
  void workerKeepsNoSpanAfterTheChain() {
    Transaction tx = TRACER.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(tx.spanId(), Mono.just(1).publishOn(single)
          .map(x -> TRACER.currentSpan().spanId()).block(Duration.ofSeconds(5)));
    }
    tx.finish();
    AtomicReference<Span> after = new AtomicReference<>();
    single.schedule(() -> after.set(TRACER.currentSpan()));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (after.get() == null && System.nanoTime() < deadline) Thread.onSpinWait();
    assertTrue(after.get().isNoop(), "left on the worker: " + after.get());
  }
}
