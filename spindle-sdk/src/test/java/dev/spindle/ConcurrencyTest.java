package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hundreds of concurrent requests, each a transaction whose work hops across a platform pool,
 * a {@code CompletableFuture} chain and (on Java 21+) virtual threads: every child span must
 * land in its own transaction under the right parent, and no thread keeps a span afterwards.
 */
@ExtendWith(StrictScopesExtension.class)
@Timeout(60)
class ConcurrencyTest {
  static final int REQUESTS = 300;

  final CapturingTransport transport = new CapturingTransport();
  /** Spindle's tracer: these tests use the static facade, which reads its spans. */
  final Tracer tracer = Spindle.init(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport)
      .setUncaughtExceptionHandler(false));
  final ExecutorService requests = Executors.newFixedThreadPool(8);
  final ExecutorService workers = Spindle.wrap(Executors.newFixedThreadPool(4));
  final ExecutorService virtual = ContextTest.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void close() throws InterruptedException {
    for (ExecutorService e : new ExecutorService[] {requests, workers, virtual}) {
      if (e == null) continue;
      e.shutdown();
      assertTrue(e.awaitTermination(10, TimeUnit.SECONDS));
    }
    Spindle.close();
  }

  @Test
  void everyChildLandsUnderItsOwnParent() throws Exception {
    ExecutorService virtualWrapped = virtual == null ? null : Spindle.wrap(virtual);
    List<Future<Map<String, String>>> expected = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      int n = i;
      expected.add(requests.submit(() -> handle(n, virtualWrapped)));
    }
    // span id -> expected parent span id, per transaction name
    Map<String, Map<String, String>> expectedByName = new HashMap<>();
    for (Future<Map<String, String>> f : expected) {
      Map<String, String> m = f.get(30, TimeUnit.SECONDS);
      expectedByName.put(m.remove("name"), m);
    }

    List<JsonNode> sent = transport.awaitTransactions(REQUESTS);
    assertEquals(REQUESTS, sent.size());
    Set<String> traceIds = new HashSet<>();
    for (JsonNode t : sent) {
      String name = t.get("transaction").asText();
      Map<String, String> parents = expectedByName.get(name);
      assertNotNull(parents, "unexpected transaction " + name);
      String traceId = t.at("/contexts/trace/trace_id").asText();
      assertTrue(traceIds.add(traceId), "two requests share trace " + traceId);
      JsonNode spans = t.get("spans");
      assertEquals(parents.size(), spans.size(), name + " has the wrong number of spans");
      for (JsonNode s : spans) {
        String id = s.get("span_id").asText();
        assertEquals(parents.get(id), s.get("parent_span_id").asText(), name + ": wrong parent of " + s);
        assertEquals(traceId, s.get("trace_id").asText());
      }
    }
    // No worker thread kept a span after its task.
    for (int i = 0; i < 8; i++) {
      assertFalse(workers.submit(Spindle::currentSpan).get().isRecording());
      assertFalse(requests.submit(Spindle::currentSpan).get().isRecording());
    }
  }

  /** One request; returns span id -> parent span id of every child it created, plus its name. */
  private Map<String, String> handle(int n, ExecutorService virtualWrapped) throws Exception {
    Map<String, String> parents = new java.util.concurrent.ConcurrentHashMap<>();
    Transaction tx = tracer.startTransaction("request-" + n, "http.server");
    try (Scope s = tx.makeCurrent()) {
      // 1. a child on a wrapped platform pool, with a grandchild there
      Future<?> pooled = workers.submit(() -> {
        Span parent = Spindle.currentSpan();
        Span child = parent.startChild("pool.work");
        parents.put(child.spanId(), parent.spanId());
        try (Scope c = child.makeCurrent()) {
          Span grand = Spindle.currentSpan().startChild("db.query");
          parents.put(grand.spanId(), child.spanId());
          grand.finish();
        }
        child.finish();
      });
      // 2. a CompletableFuture chain bound to this request's span
      Span http = tx.startChild("http.client");
      parents.put(http.spanId(), tx.spanId());
      CompletableFuture<Void> chain;
      try (Scope h = http.makeCurrent()) {
        java.util.concurrent.Executor ex = Spindle.contextExecutor(workers);
        chain = CompletableFuture.supplyAsync(() -> Spindle.currentSpan(), ex)
            .thenApplyAsync(parent -> {
              Span step = Spindle.currentSpan().startChild("chain.step");
              parents.put(step.spanId(), parent.spanId());
              step.finish();
              return step;
            }, ex)
            .thenAccept(step -> http.finish());
      }
      // 3. virtual threads, when the runtime has them
      Future<?> onVirtual = virtualWrapped == null ? null : virtualWrapped.submit(() -> {
        Span parent = Spindle.currentSpan();
        Span v = parent.startChild("virtual.work");
        parents.put(v.spanId(), parent.spanId());
        v.finish();
      });
      pooled.get(10, TimeUnit.SECONDS);
      chain.get(10, TimeUnit.SECONDS);
      if (onVirtual != null) onVirtual.get(10, TimeUnit.SECONDS);
    }
    tx.finish();
    Map<String, String> result = new HashMap<>(parents);
    result.put("name", tx.name());
    return result;
  }
}
