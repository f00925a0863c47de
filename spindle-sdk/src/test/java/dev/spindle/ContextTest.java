package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.ref.Reference;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StrictScopesExtension.class)
@Timeout(30)
class ContextTest {
  final CapturingTransport transport = new CapturingTransport();
  /** Spindle's tracer: these tests use the static facade, which reads its spans. */
  final Tracer tracer = Spindle.init(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport)
      .setUncaughtExceptionHandler(false));
  final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    Spindle.close();
  }

  @Test
  void scopeRestoresThePreviousSpan() {
    Transaction tx = tracer.startTransaction("t", "task");
    Span child = tx.startChild("op");
    try (Scope outer = tx.makeCurrent()) {
      assertSame(tx, Spindle.currentSpan());
      try (Scope inner = child.makeCurrent()) {
        assertSame(child, Spindle.currentSpan());
      }
      assertSame(tx, Spindle.currentSpan());
    }
    assertFalse(Spindle.currentSpan().isRecording());
    child.finish();
    tx.finish();
  }

  @Test
  void strictCheckerReportsLeakedAndMisusedScopes() throws Exception {
    try (StrictScopes strict = StrictScopes.enable()) {
      Transaction tx = tracer.startTransaction("t", "task");
      Scope leaked = tx.makeCurrent();
      assertThrows(AssertionError.class, strict::assertClean);
      Thread other = new Thread(leaked::close, "other-thread");
      other.start();
      other.join();
      List<String> problems = strict.problems();
      assertTrue(problems.stream().anyMatch(p -> p.contains("closed on another thread")), problems.toString());
      leaked.close();
      leaked.close();
      assertTrue(strict.problems().stream().anyMatch(p -> p.contains("closed twice")));
      tx.finish();
    }
    StrictScopes.enable(); // the extension's checker was replaced above; give it a fresh one
  }

  @Test
  void strictCheckerReportsOutOfOrderClose() {
    try (StrictScopes strict = StrictScopes.enable()) {
      Transaction tx = tracer.startTransaction("t", "task");
      Span child = tx.startChild("op");
      Scope a = tx.makeCurrent();
      Scope b = child.makeCurrent();
      a.close();
      b.close();
      assertTrue(strict.problems().stream().anyMatch(p -> p.contains("out of order")), strict.problems().toString());
      tracer.storage.restore(null);
      child.finish();
      tx.finish();
    }
    StrictScopes.enable();
  }

  @Test
  void scopeDecoratorsMirrorTheCurrentSpan() {
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScopeDecorator decorator = (span, scope) -> {
      log.add("open " + (span == null ? "none" : span.operation()));
      return () -> {
        log.add("close " + (span == null ? "none" : span.operation()));
        scope.close();
      };
    };
    Spindle.addScopeDecorator(decorator);
    try {
      Transaction tx = tracer.startTransaction("t", "outer");
      Span child = tx.startChild("inner");
      try (Scope a = tx.makeCurrent(); Scope b = child.makeCurrent()) {
        assertSame(child, Spindle.currentSpan());
      }
      assertEquals(List.of("open outer", "open inner", "close inner", "close outer"), log);
      child.finish();
      tx.finish();
    } finally {
      Spindle.removeScopeDecorator(decorator);
    }
  }

  @Test
  void noThreadLocalEntryRemainsAfterTheOutermostScopeCloses() throws Exception {
    Transaction tx = tracer.startTransaction("t", "task");
    AtomicReference<Boolean> during = new AtomicReference<>();
    AtomicReference<Boolean> after = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try (Scope s = tx.makeCurrent()) {
        during.set(hasContextEntry(Thread.currentThread()));
      }
      after.set(hasContextEntry(Thread.currentThread()));
    });
    worker.start();
    worker.join();
    assertTrue(during.get(), "the lookup must see the entry while a scope is open");
    assertFalse(after.get(), "the thread-local entry must be removed, not set to null");
    tx.finish();
  }

  /** Whether {@code thread}'s ThreadLocalMap has an entry for the context storage. */
  boolean hasContextEntry(Thread thread) {
    try {
      Field storageField = ContextStorage.class.getDeclaredField("current");
      storageField.setAccessible(true);
      Object storage = storageField.get(tracer.storage);
      Field locals = Thread.class.getDeclaredField("threadLocals");
      locals.setAccessible(true);
      Object map = locals.get(thread);
      if (map == null) return false;
      Field tableField = map.getClass().getDeclaredField("table");
      tableField.setAccessible(true);
      Object table = tableField.get(map);
      for (int i = 0; i < Array.getLength(table); i++) {
        Object entry = Array.get(table, i);
        if (entry != null && ((Reference<?>) entry).get() == storage) return true;
      }
      return false;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot inspect thread locals (needs --add-opens java.base/java.lang)", e);
    }
  }

  @Test
  void wrappedRunnableAndCallableCarryTheSpanOfWrapTime() throws Exception {
    Transaction tx = tracer.startTransaction("t", "task");
    Runnable r;
    Callable<Span> c;
    try (Scope s = tx.makeCurrent()) {
      AtomicReference<Span> seen = new AtomicReference<>();
      r = Spindle.wrap(() -> seen.set(Spindle.currentSpan()));
      c = Spindle.wrap(Spindle::currentSpan);
      pool.submit(r).get();
      assertSame(tx, seen.get());
    }
    assertSame(tx, pool.submit(c).get());
    // the pool thread is clean afterwards
    assertFalse(pool.submit(Spindle::currentSpan).get().isRecording());
    tx.finish();
  }

  @Test
  void wrappedExecutorCapturesAtSubmitTime() throws Exception {
    ExecutorService wrapped = Spindle.wrap(pool);
    Transaction a = tracer.startTransaction("a", "task");
    Transaction b = tracer.startTransaction("b", "task");
    try (Scope s = a.makeCurrent()) {
      assertSame(a, wrapped.submit(Spindle::currentSpan).get());
    }
    try (Scope s = b.makeCurrent()) {
      assertSame(b, wrapped.submit(Spindle::currentSpan).get());
      List<java.util.concurrent.Future<Span>> all =
          wrapped.invokeAll(List.of(Spindle::currentSpan, Spindle::currentSpan));
      for (java.util.concurrent.Future<Span> f : all) assertSame(b, f.get());
    }
    assertNull(wrapped.submit(() -> tracer.storage.current()).get());
    a.finish();
    b.finish();
  }

  @Test
  void wrappedScheduledExecutor() throws Exception {
    ScheduledExecutorService scheduled = Spindle.wrap(Executors.newSingleThreadScheduledExecutor());
    try {
      Transaction tx = tracer.startTransaction("t", "task");
      try (Scope s = tx.makeCurrent()) {
        assertSame(tx, scheduled.schedule(Spindle::currentSpan, 10, TimeUnit.MILLISECONDS).get());
      }
      tx.finish();
    } finally {
      scheduled.shutdownNow();
    }
  }

  @Test
  void completableFutureChainsWithWrappedExecutorAndWrappedFunctions() throws Exception {
    Transaction tx = tracer.startTransaction("t", "task");
    CompletableFuture<String> chain;
    try (Scope s = tx.makeCurrent()) {
      java.util.concurrent.Executor bound = Spindle.contextExecutor(pool);
      chain = CompletableFuture
          .supplyAsync(() -> Spindle.currentSpan().spanId(), Spindle.wrap(pool))
          .thenApplyAsync(Spindle.wrapFunction(id -> sleepThen(id + "|" + Spindle.currentSpan().spanId())))
          .thenApplyAsync(ids -> ids + "|" + Spindle.currentSpan().spanId(), bound)
          .thenApplyAsync(ids -> sleepThen(ids + "|" + Spindle.currentSpan().spanId()), Spindle.contextExecutor())
          .thenCompose(ids -> CompletableFuture.supplyAsync(
              Spindle.wrapSupplier(() -> ids + "|" + Spindle.currentSpan().spanId())));
    }
    String id = tx.spanId();
    assertEquals(String.join("|", id, id, id, id, id), chain.get(10, TimeUnit.SECONDS));
    tx.finish();
  }

  /** Makes the stage complete after the next stage was chained, on a pool thread. */
  static String sleepThen(String value) {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return value;
  }

  @Test
  void unwrappedCommonPoolDoesNotSeeTheSpan() throws Exception {
    // Documents why wrapping is needed: plain *Async stages run without the caller's span.
    Transaction tx = tracer.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      Span seen = CompletableFuture.supplyAsync(Spindle::currentSpan, pool).get();
      assertFalse(seen.isRecording());
    }
    tx.finish();
  }

  @Test
  void virtualThreadExecutorCarriesTheSpan() throws Exception {
    ExecutorService virtual = newVirtualThreadPerTaskExecutor();
    Assumptions.assumeTrue(virtual != null, "virtual threads need Java 21+");
    ExecutorService wrapped = Spindle.wrap(virtual);
    try {
      Transaction tx = tracer.startTransaction("t", "task");
      try (Scope s = tx.makeCurrent()) {
        Span child = tx.startChild("vt");
        try (Scope c = child.makeCurrent()) {
          assertSame(child, wrapped.submit(Spindle::currentSpan).get());
        }
        child.finish();
      }
      tx.finish();
    } finally {
      wrapped.shutdown();
      assertTrue(wrapped.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()} when the runtime has it, else null. */
  static ExecutorService newVirtualThreadPerTaskExecutor() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
