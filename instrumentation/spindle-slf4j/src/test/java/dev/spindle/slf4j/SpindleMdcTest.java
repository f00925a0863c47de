package dev.spindle.slf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.StrictScopes;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpindleMdcTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  Logger log;
  OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;
  Tracer tracer;
  StrictScopes strict;

  @BeforeEach
  void setUp() {
    strict = StrictScopes.enable();
    tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setBeforeSendTransaction(data -> null));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg trace=%X{trace_id} span=%X{span_id}%n");
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.setImmediateFlush(true);
    appender.start();
    log = context.getLogger("mdc-test");
    log.setAdditive(false);
    log.addAppender(appender);
    SpindleMdc.install();
  }

  @AfterEach
  void tearDown() {
    SpindleMdc.uninstall();
    log.detachAppender(appender);
    appender.stop();
    tracer.close();
    MDC.clear();
    strict.assertClean();
    strict.close();
  }

  /** Log lines written so far, as "msg trace=... span=..." strings. */
  List<String> lines() {
    synchronized (appender) {
      return List.of(out.toString(StandardCharsets.UTF_8).split("\\R"));
    }
  }

  String line(String message) {
    return lines().stream().filter(l -> l.startsWith(message + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no line " + message + " in " + lines()));
  }

  static String ids(Span span) {
    return "trace=" + span.traceId() + " span=" + span.spanId();
  }

  @Test
  void linesInsideAScopeCarryTheIdsAndLinesAfterDoNot() {
    log.info("before");
    Transaction tx = tracer.startTransaction("t", "task");
    Span child = tx.startChild("work");
    try (Scope s = tx.makeCurrent()) {
      log.info("in-tx");
      try (Scope c = child.makeCurrent()) {
        log.info("in-child");
      }
      child.finish();
      log.info("back-in-tx");
    }
    tx.finish();
    log.info("after");

    assertEquals("before trace= span=", line("before"));
    assertEquals("in-tx " + ids(tx), line("in-tx"));
    assertEquals("in-child " + ids(child), line("in-child"));
    assertEquals("back-in-tx " + ids(tx), line("back-in-tx"));
    assertEquals("after trace= span=", line("after"));
    assertNull(MDC.get("trace_id"));
    assertNull(MDC.get("span_id"));
  }

  @Test
  void childScopeShowsTheChildSpan() {
    Transaction tx = tracer.startTransaction("t", "task");
    Span child = tx.startChild("work");
    try (Scope s = tx.makeCurrent(); Scope c = child.makeCurrent()) {
      log.info("in-child");
    }
    child.finish();
    tx.finish();
    assertEquals("in-child " + ids(child), line("in-child"));
    assertEquals(tx.traceId(), child.traceId());
  }

  @Test
  void valuesThatWereThereBeforeAreRestored() {
    MDC.put("trace_id", "from-the-app");
    MDC.put("span_id", "also-from-the-app");
    Transaction tx = tracer.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(tx.traceId(), MDC.get("trace_id"));
    }
    tx.finish();
    assertEquals("from-the-app", MDC.get("trace_id"));
    assertEquals("also-from-the-app", MDC.get("span_id"));
  }

  @Test
  void wrappedExecutorTasksLogTheSubmittersSpanAndLeaveTheWorkerClean() throws Exception {
    ExecutorService pool = tracer.wrap(Executors.newSingleThreadExecutor());
    try {
      Transaction tx = tracer.startTransaction("t", "task");
      try (Scope s = tx.makeCurrent()) {
        pool.submit(() -> log.info("task-under-span")).get(10, TimeUnit.SECONDS);
      }
      tx.finish();
      pool.submit(() -> log.info("task-after")).get(10, TimeUnit.SECONDS);
      // the worker thread's own MDC holds nothing after the wrapped task
      assertEquals(List.of(), pool.submit(() -> {
        java.util.Map<String, String> m = MDC.getCopyOfContextMap();
        return m == null ? List.<String>of() : List.copyOf(m.keySet());
      }).get(10, TimeUnit.SECONDS));
      assertEquals("task-under-span " + ids(tx), line("task-under-span"));
      assertEquals("task-after trace= span=", line("task-after"));
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void wrappedTaskWithoutASpanClearsIdsThatLeakedOntoTheWorker() throws Exception {
    ExecutorService raw = Executors.newSingleThreadExecutor();
    try {
      // a worker whose MDC was left dirty by someone else
      raw.submit(() -> MDC.put("trace_id", "stale")).get(10, TimeUnit.SECONDS);
      Runnable task = tracer.wrap(() -> log.info("wrapped-no-span")); // wrapped with no span current
      raw.submit(task).get(10, TimeUnit.SECONDS);
      assertEquals("wrapped-no-span trace= span=", line("wrapped-no-span"));
      assertEquals("stale", raw.submit(() -> MDC.get("trace_id")).get(10, TimeUnit.SECONDS));
    } finally {
      raw.shutdownNow();
      assertTrue(raw.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void unsampledSpansAreMirroredToo() {
    try (Tracer unsampled = Tracer.create(new SpindleOptions().setTracesSampleRate(0.0))) {
      Transaction tx = unsampled.startTransaction("t", "task");
      assertFalse(tx.isRecording());
      try (Scope s = tx.makeCurrent()) {
        log.info("unsampled");
      }
      tx.finish();
      assertEquals("unsampled " + ids(tx), line("unsampled"));
    }
  }

  @Test
  void customKeys() {
    SpindleMdc.install("traceId", "spanId");
    Transaction tx = tracer.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      assertEquals(tx.traceId(), MDC.get("traceId"));
      assertEquals(tx.spanId(), MDC.get("spanId"));
      assertNull(MDC.get("trace_id"));
    }
    tx.finish();
    assertNull(MDC.get("traceId"));
  }

  @Test
  void uninstallStopsMirroring() {
    SpindleMdc.uninstall();
    assertFalse(SpindleMdc.isInstalled());
    Transaction tx = tracer.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      assertNull(MDC.get("trace_id"));
    }
    tx.finish();
    SpindleMdc.install();
    SpindleMdc.install(); // idempotent: one decorator, so one restore per scope
    assertTrue(SpindleMdc.isInstalled());
    try (Scope s = tx.makeCurrent()) {
      assertEquals(tx.traceId(), MDC.get("trace_id"));
    }
    assertNull(MDC.get("trace_id"));
  }

  @Test
  void badKeysFailFast() {
    NullPointerException npe = assertThrows(NullPointerException.class, () -> SpindleMdc.install(null, "s"));
    assertEquals("traceIdKey", npe.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SpindleMdc.install("t", " "));
    assertThrows(IllegalArgumentException.class, () -> SpindleMdc.install("id", "id"));
  }
}
