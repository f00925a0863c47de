package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scopes as applications use them through {@link Spindle}: what is set inside a request stays in
 * that request, across threads; what is set outside any request goes to every event.
 */
@ExtendWith(StrictScopesExtension.class)
@Timeout(60)
class ScopesTest {
  static final int THREADS = 64;
  static final int REQUESTS_PER_THREAD = 10;

  final CapturingTransport transport = new CapturingTransport();

  @AfterEach
  void close() {
    Spindle.close();
  }

  void init(double rate) {
    Spindle.init(new SpindleOptions().setDsn("http://pubkey@127.0.0.1:9/1").setTracesSampleRate(rate)
        .setTag("service", "shop").setTransport(transport));
  }

  /**
   * 64 threads serve requests at once; each request sets its own user, tags, context and
   * breadcrumb, half of it on its own thread and half after a hop to a shared pool, and captures
   * an error there. Every transaction and error carries its own request's values, none other.
   */
  @Test
  void concurrentRequestsNeverSeeEachOthersScope() throws Exception {
    init(1.0);
    Spindle.setTag("deploy", "blue"); // outside any request: global
    ExecutorService pool = Spindle.wrap(Executors.newFixedThreadPool(8));
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Thread th = new Thread(() -> {
          try {
            start.await(10, TimeUnit.SECONDS);
            for (int r = 0; r < REQUESTS_PER_THREAD; r++) serve(pool, thread + "-" + r);
          } catch (Throwable e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        }, "request-" + t);
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) th.join(TimeUnit.SECONDS.toMillis(50));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), failures);

    int requests = THREADS * REQUESTS_PER_THREAD;
    List<JsonNode> transactions = transport.awaitTransactions(requests);
    assertEquals(requests, transactions.size());
    int mixUps = 0;
    Set<String> seen = new HashSet<>();
    for (JsonNode tx : transactions) {
      String id = tx.path("transaction").asText().substring("request ".length());
      seen.add(id);
      if (!carriesOnly(tx, id) || !id.equals(tx.at("/tags/chain").asText())) mixUps++;
      assertEquals("blue", tx.at("/tags/deploy").asText(), "global tags reach every request");
      assertEquals("shop", tx.at("/tags/service").asText());
    }
    assertEquals(requests, seen.size());
    List<JsonNode> errors = transport.items("event");
    assertEquals(requests, errors.size());
    for (JsonNode error : errors) {
      String id = error.path("transaction").asText().substring("request ".length());
      if (!carriesOnly(error, id)) mixUps++;
    }
    assertEquals(0, mixUps, "events with another request's user, tags or breadcrumbs");
  }

  /**
   * One request: sets its scope on this thread, after a hop to a wrapped pool (where it also
   * captures an error) and in a stage on {@link Spindle#contextExecutor()}, then finishes.
   */
  private static void serve(ExecutorService pool, String id) throws Exception {
    Transaction tx = Spindle.startTransaction("request " + id, "http.server");
    try (Scope s = tx.makeCurrent()) {
      Spindle.setUser(User.ofId("user-" + id));
      Spindle.setTag("request", id);
      Thread.yield();
      Future<?> hop = pool.submit(() -> {
        Spindle.setTag("hop", id);
        Spindle.setContext("order", Map.of("id", id));
        Spindle.addBreadcrumb(Breadcrumb.of("hop", "in " + id));
        Spindle.captureException(new IllegalStateException("failed " + id));
      });
      hop.get(20, TimeUnit.SECONDS);
      CompletableFuture.runAsync(() -> Spindle.setTag("chain", id), Spindle.contextExecutor())
          .get(20, TimeUnit.SECONDS);
      Spindle.addBreadcrumb(Breadcrumb.of("back", "in " + id));
    }
    tx.finish();
  }

  private static boolean carriesOnly(JsonNode event, String id) {
    boolean ok = ("user-" + id).equals(event.at("/user/id").asText())
        && id.equals(event.at("/tags/request").asText())
        && id.equals(event.at("/tags/hop").asText())
        && id.equals(event.at("/contexts/order/id").asText());
    for (JsonNode b : event.at("/breadcrumbs/values")) {
      ok &= b.path("message").asText().equals("in " + id);
    }
    return ok && event.at("/breadcrumbs/values").size() >= 1;
  }

  @Test
  void unsampledRequestsKeepTheirScopeForErrors() {
    init(0.0);
    Transaction tx = Spindle.startTransaction("unsampled", "http.server");
    try (Scope s = tx.makeCurrent()) {
      Spindle.setUser(User.ofId("ana"));
      Spindle.setTag("request", "1");
      Spindle.captureException(new IllegalStateException("boom"));
    }
    tx.finish();
    Spindle.captureException(new IllegalStateException("outside"));
    List<JsonNode> errors = transport.items("event");
    assertEquals(2, errors.size());
    assertEquals("ana", errors.get(0).at("/user/id").asText());
    assertEquals("1", errors.get(0).at("/tags/request").asText());
    assertTrue(errors.get(1).path("user").isMissingNode(), "the request's user stays in the request");
    assertTrue(errors.get(1).at("/tags/request").isMissingNode());
    assertEquals("shop", errors.get(1).at("/tags/service").asText());
  }

  @Test
  void outsideARequestTheGlobalScopeIsChangedAndARequestsOwnValuesWin() {
    init(1.0);
    Spindle.setUser(User.ofId("batch-user"));
    Spindle.setTag("region", "eu");
    Spindle.addBreadcrumb(Breadcrumb.of("boot", "started").withData("pid", 7));
    Transaction anonymous = Spindle.startTransaction("anonymous", "task");
    anonymous.finish();
    Transaction own = Spindle.startTransaction("own", "task");
    try (Scope s = own.makeCurrent()) {
      Spindle.setUser(User.ofId("ana"));
      Spindle.setTag("region", "us");
      Spindle.setTag("service", null); // removes only the request's own (it had none)
    }
    own.finish();
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode t : transport.transactions()) byName.put(t.path("transaction").asText(), t);
    JsonNode a = byName.get("anonymous");
    assertEquals("batch-user", a.at("/user/id").asText());
    assertEquals("eu", a.at("/tags/region").asText());
    assertEquals("started", a.at("/breadcrumbs/values/0/message").asText());
    assertEquals(7, a.at("/breadcrumbs/values/0/data/pid").asInt());
    JsonNode o = byName.get("own");
    assertEquals("ana", o.at("/user/id").asText());
    assertEquals("us", o.at("/tags/region").asText());
    assertEquals("shop", o.at("/tags/service").asText());
    assertEquals("boot", o.at("/breadcrumbs/values/0/category").asText(), "global breadcrumbs too");
  }

  @Test
  void aTransactionStartedInsideARequestForksItsScope() {
    init(1.0);
    Transaction request = Spindle.startTransaction("request", "http.server");
    Transaction job;
    try (Scope s = request.makeCurrent()) {
      Spindle.setUser(User.ofId("ana"));
      job = Spindle.startTransaction("job", "task");
      try (Scope j = job.makeCurrent()) {
        Spindle.setTag("job", "only");
      }
      Spindle.setTag("request", "only");
    }
    job.finish();
    request.finish();
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode t : transport.transactions()) byName.put(t.path("transaction").asText(), t);
    assertEquals("ana", byName.get("job").at("/user/id").asText(), "inherited when it started");
    assertTrue(byName.get("job").at("/tags/request").isMissingNode());
    assertTrue(byName.get("request").at("/tags/job").isMissingNode());
  }

  @Test
  void breadcrumbsAreBoundedAndContextsAreCopies() {
    init(1.0);
    Map<String, Object> live = new HashMap<>(Map.of("id", 1));
    Transaction tx = Spindle.startTransaction("t", "task");
    try (Scope s = tx.makeCurrent()) {
      for (int i = 0; i < ScopeData.MAX_BREADCRUMBS + 20; i++) Spindle.addBreadcrumb(Breadcrumb.of("n", "" + i));
      Spindle.setContext("order", live);
      live.put("id", 2);
    }
    tx.finish();
    JsonNode t = transport.transactions().get(0);
    JsonNode crumbs = t.at("/breadcrumbs/values");
    assertEquals(ScopeData.MAX_BREADCRUMBS, crumbs.size());
    assertEquals("20", crumbs.get(0).path("message").asText(), "the oldest are dropped");
    assertEquals(1, t.at("/contexts/order/id").asInt(), "the context as it was set");
    assertFalse(t.at("/contexts/trace/trace_id").isMissingNode());
  }
}
