package dev.spindle.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Span;
import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.CapturingTransport;
import dev.spindle.testing.SentError;
import dev.spindle.testing.SentTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Each run of a {@code @Scheduled} method (fixed rate, fixed delay, cron) is its own transaction;
 * here with Boot's observation registry (Actuator is on the test class path), in the subclass
 * without it.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduledTransactionsTest {
  private ConfigurableApplicationContext app;
  private CapturingTransport transport;

  /** More properties of the application. */
  String[] properties() {
    return new String[0];
  }

  @BeforeAll
  void start() {
    List<String> all = new ArrayList<>(List.of("spring.main.web-application-type=none", "spindle.traces-sample-rate=1.0"));
    all.addAll(List.of(properties()));
    app = TestApps.start(App.class, all.toArray(new String[0]));
    transport = app.getBean(CapturingTransport.class);
  }

  @AfterAll
  void stop() {
    if (app != null) app.close();
  }

  @Test
  void eachRunIsATransactionCurrentWhileTheMethodRuns() {
    List<SentTransaction> ticks = await("Jobs.tick", 2);
    Set<String> traces = ticks.stream().map(SentTransaction::traceId).collect(Collectors.toSet());
    assertEquals(ticks.size(), traces.size(), "a new trace per run: " + ticks);
    Set<String> seen = Set.copyOf(app.getBean(Jobs.class).seen);
    for (SentTransaction t : ticks) {
      assertEquals("task.scheduled", t.operation());
      assertEquals("task", t.source());
      assertEquals("ok", t.status());
      assertNull(t.parentSpanId());
      assertTrue(seen.contains(t.spanId()), "current during the run: " + t.spanId() + " in " + seen);
    }
    SentTransaction cron = await("Jobs.everySecond", 1).get(0);
    assertEquals("ok", cron.status());
  }

  @Test
  void failingRunIsAnErrorOfItsTransaction() {
    SentTransaction failed = await("Jobs.fail", 1).get(0);
    assertEquals("internal_error", failed.status());
    List<SentError> errors = transport.sent().errors().stream()
        .filter(e -> e.traceId().equals(failed.traceId())).toList();
    assertEquals(1, errors.size(), "errors: " + transport.sent().errors());
    assertEquals(failed.spanId(), errors.get(0).spanId());
    assertEquals("Jobs.fail", errors.get(0).transaction());
    assertTrue(errors.get(0).exceptionTypes().stream().anyMatch(t -> t.contains("IllegalStateException")),
        errors.get(0).toString());
  }

  private List<SentTransaction> await(String name, int n) {
    long deadline = System.nanoTime() + CapturingTransport.DEFAULT_WAIT.toNanos();
    while (true) {
      List<SentTransaction> named = transport.sent().transactions().stream()
          .filter(t -> t.name().equals(name)).toList();
      if (named.size() >= n) return named;
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n + " transactions named " + name + " expected; sent: " + transport.sent().transactions());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableScheduling
  @Import(Jobs.class)
  static class App {
    @Bean
    CapturingTransport transport() {
      return new CapturingTransport();
    }

    @Bean
    SpindleOptionsCustomizer capture(CapturingTransport transport) {
      return options -> options.setTransport(transport);
    }
  }

  static class Jobs {
    final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    private final Tracer tracer;

    Jobs(Tracer tracer) {
      this.tracer = tracer;
    }

    @Scheduled(fixedRate = 50)
    void tick() {
      Span current = tracer.currentSpan();
      seen.add(current.spanId());
    }

    @Scheduled(fixedDelay = 200, initialDelay = 10)
    void fail() {
      throw new IllegalStateException("the job failed");
    }

    @Scheduled(cron = "* * * * * *")
    void everySecond() {}
  }
}
