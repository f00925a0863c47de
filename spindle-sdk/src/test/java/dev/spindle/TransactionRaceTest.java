package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads start and finish children of one transaction while it finishes: it is sent exactly
 * once, after its last child, with every child; children beyond maxSpans are counted as dropped.
 */
@Timeout(60)
class TransactionRaceTest {
  static final int ROUNDS = 200;
  static final int THREADS = 4;
  static final int CHILDREN = 40; // per thread: past the first chunks of the span buffer

  final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void sentOnceAfterTheLastChildWithEveryChild() throws Exception {
    CapturingTransport transport = new CapturingTransport();
    try (Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setTransport(transport))) {
      List<Set<String>> expected = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        Transaction tx = tracer.startTransaction("round-" + round, "task");
        Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Future<?>> futures = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++) {
          futures.add(pool.submit(() -> {
            go.await();
            Span first = tx.startChild("work", "first");
            ids.add(first.spanId());
            firstStarted.countDown();
            for (int i = 1; i < CHILDREN; i++) {
              Span s = tx.startChild("work", "c" + i);
              ids.add(s.spanId());
              s.finish();
            }
            first.finish();
            return null;
          }));
        }
        go.countDown();
        firstStarted.await();
        tx.finish(); // while every thread still has a child open
        for (Future<?> f : futures) f.get(10, TimeUnit.SECONDS);

        assertEquals(round + 1, transport.envelopes.size(), "round " + round + ": sent once");
        expected.add(ids);
      }
      List<JsonNode> sent = transport.transactions();
      assertEquals(ROUNDS, sent.size());
      for (int round = 0; round < ROUNDS; round++) {
        JsonNode tx = sent.get(round);
        assertEquals("round-" + round, tx.get("transaction").asText());
        JsonNode spans = tx.get("spans");
        assertEquals(THREADS * CHILDREN, spans.size(), "round " + round + ": every child");
        Set<String> seen = new HashSet<>();
        for (JsonNode s : spans) {
          seen.add(s.get("span_id").asText());
          assertEquals("ok", s.get("status").asText(), "sent after its last child: " + s);
        }
        assertEquals(expected.get(round), seen);
      }
      assertEquals(0, transport.lost("buffer_overflow", "span"));
    }
  }

  @Test
  void childrenBeyondMaxSpansAreDroppedAndCounted() throws Exception {
    CapturingTransport transport = new CapturingTransport();
    int maxSpans = 70;
    try (Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setMaxSpans(maxSpans).setTransport(transport))) {
      for (int round = 0; round < 50; round++) {
        Transaction tx = tracer.startTransaction("round-" + round, "task");
        List<Future<Integer>> futures = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
          futures.add(pool.submit(() -> {
            go.await();
            int recorded = 0;
            for (int i = 0; i < CHILDREN; i++) {
              Span s = tx.startChild("work");
              if (s.isRecording()) recorded++;
              s.finish();
            }
            return recorded;
          }));
        }
        go.countDown();
        int recorded = 0;
        for (Future<Integer> f : futures) recorded += f.get(10, TimeUnit.SECONDS);
        tx.finish();
        assertEquals(maxSpans, recorded, "round " + round);
        assertEquals(round + 1, transport.envelopes.size());
        assertEquals((round + 1L) * (THREADS * CHILDREN - maxSpans),
            transport.lost("buffer_overflow", "span"), "round " + round);
      }
    }
  }

  @Test
  void aChildStartedAsTheTransactionFinishesIsEitherKeptWholeOrNotRecorded() throws Exception {
    CapturingTransport transport = new CapturingTransport();
    int rounds = 1000;
    try (Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setTransport(transport))) {
      for (int round = 0; round < rounds; round++) {
        Transaction tx = tracer.startTransaction("round-" + round, "task");
        CountDownLatch go = new CountDownLatch(1);
        Future<Boolean> child = pool.submit(() -> {
          go.await();
          Span s = tx.startChild("late");
          s.finish();
          return s.isRecording();
        });
        Future<?> finisher = pool.submit(() -> {
          go.await();
          tx.finish();
          return null;
        });
        go.countDown();
        finisher.get(10, TimeUnit.SECONDS);
        boolean recorded = child.get(10, TimeUnit.SECONDS);
        assertEquals(round + 1, transport.envelopes.size(), "round " + round + ": sent once");
        JsonNode spans = CapturingTransport.JSON.readTree(
            transport.envelopes.get(round).items().get(0).payload()).get("spans");
        assertEquals(recorded ? 1 : 0, spans.size(), "round " + round);
        if (recorded) {
          assertEquals("ok", spans.get(0).get("status").asText(),
              "round " + round + ": sent before its child finished");
        }
      }
    }
  }
}
