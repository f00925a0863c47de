package dev.spindle.storage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.DurationHistogram;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service-map part of the storage contract, run by {@link StorageContract} as a nested class.
 * Project 1 is {@code frontend-app}, whose rows carry no service (so the project name stands in),
 * project 2 {@code other}. Calls end ten minutes before {@link #NOW}:
 *
 * <ul>
 *   <li>frontend-app -> backend: 3 linked calls sampled at 0.5 (Sentry style: description
 *       {@code GET http://backend:8080/items}), one callee transaction failed;
 *   <li>frontend-app -> payments: 1 lost call (Sentry style, description only); the payments root
 *       {@code POST /charge} started 1.5 s before the client span (inside the 2 s skew);
 *   <li>frontend-app -> cart: 1 lost call, OTel style ({@code url.full} with a query,
 *       {@code http.request.method}); the root has {@code url.path} and a templated route, and
 *       started while the client span ran;
 *   <li>frontend-app -> inventory.internal: a call whose would-be root {@code GET /stock} started
 *       10 s after the call ended, and another root with the right time but another path: no
 *       match, so a leaf named by the host;
 *   <li>frontend-app -> postgresql: a database span, a leaf named by {@code db.system};
 *   <li>frontend-app -> mailer: a mailer transaction in the frontend's trace whose parent span is
 *       missing: orphaned, attributed to the enclosing frontend transaction; another mailer orphan
 *       alone in its trace: {@code unknown caller} -> mailer;
 *   <li>project 2: x -> y, one linked call.
 * </ul>
 */
public abstract class ServiceMapContract {
  protected static final long NOW = (System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000L) * 1000;
  private static final long T = NOW - 600_000_000L;
  private static final long SEC = 1_000_000L;

  protected abstract Storage storage();

  private final List<SpanRow> rows = new ArrayList<>();
  private SpanRow paymentsClient;
  private SpanRow paymentsRoot;
  private SpanRow cartClient;
  private SpanRow cartRoot;
  private SpanRow orphan;

  private static String hex(int length) {
    return StorageContract.hex(length);
  }

  /** A transaction root of a service, {@code startUs} to {@code endUs}. */
  private static SpanRow.Builder txn(long project, String service, String traceId, String parent,
      String name, long startUs, long endUs) {
    return SpanRow.builder().projectId(project).traceId(traceId).spanId(hex(16)).parentSpanId(parent)
        .segmentId(hex(32)).segment(true).transaction(name).transactionSource("url").op("http.server")
        .startUs(startUs).endUs(endUs).service(service);
  }

  private static SpanRow.Builder span(SpanRow parent, String op, String description, long startUs, long endUs) {
    return SpanRow.builder().projectId(parent.projectId()).traceId(parent.traceId()).spanId(hex(16))
        .parentSpanId(parent.spanId()).segmentId(parent.segmentId()).transaction(parent.transaction())
        .op(op).description(description).startUs(startUs).endUs(endUs).sampleRate(parent.sampleRate())
        .service(parent.service());
  }

  private SpanRow add(SpanRow.Builder b) {
    SpanRow r = b.build();
    rows.add(r);
    return r;
  }

  @BeforeEach
  void seed() {
    storage().metadata().createProject("frontend-app", hex(32));
    storage().metadata().createProject("other", hex(32));

    for (int i = 0; i < 3; i++) {
      long t0 = T + i * SEC;
      SpanRow root = add(txn(1, null, hex(32), null, "GET /shop", t0, t0 + 500_000).sampleRate(0.5));
      SpanRow client = add(span(root, "http.client", "GET http://backend:8080/items", t0 + 100_000, t0 + 300_000)
          .dataJson("{\"data\":{\"url\":\"http://backend:8080/items\",\"http.request.method\":\"GET\"}}"));
      long calleeStart = t0 + 120_000;
      add(txn(1, "backend", root.traceId(), client.spanId(), "GET /items", calleeStart, calleeStart + (i + 1) * 50_000L)
          .sampleRate(0.5).status(i == 0 ? "internal_error" : "ok"));
    }

    long t1 = T + 20 * SEC;
    SpanRow payer = add(txn(1, null, hex(32), null, "POST /checkout", t1, t1 + 3 * SEC));
    paymentsClient = add(span(payer, "http.client", "POST http://payments.svc/charge", t1 + SEC, t1 + 2 * SEC));
    paymentsRoot = add(txn(1, "payments", hex(32), null, "POST /charge", t1 - SEC / 2, t1 + SEC / 2));

    long t2 = T + 40 * SEC;
    SpanRow shopper = add(txn(1, null, hex(32), null, "GET /basket", t2, t2 + 3 * SEC));
    cartClient = add(span(shopper, "http.client", "GET", t2 + SEC, t2 + 2 * SEC)
        .dataJson("{\"http.request.method\":\"GET\",\"url.full\":\"http://cart:80/cart/42?x=1\"}"));
    cartRoot = add(txn(1, "cart", hex(32), null, "GET /cart/{id}", t2 + SEC + 200_000, t2 + SEC + 700_000)
        .transactionSource("route")
        .dataJson("{\"http.request.method\":\"GET\",\"url.path\":\"/cart/42\",\"http.route\":\"/cart/{id}\"}"));

    long t3 = T + 60 * SEC;
    SpanRow stocker = add(txn(1, null, hex(32), null, "GET /stock-check", t3, t3 + 3 * SEC));
    add(span(stocker, "http.client", "GET http://inventory.internal/stock", t3 + SEC, t3 + 2 * SEC));
    add(txn(1, "inventory", hex(32), null, "GET /stock", t3 + 12 * SEC, t3 + 13 * SEC));
    add(txn(1, "inventory", hex(32), null, "GET /other", t3 + SEC, t3 + 2 * SEC));
    add(span(stocker, "db.sql.query", "SELECT 1", t3 + 100_000, t3 + 200_000)
        .dataJson("{\"data\":{\"db.system\":\"postgresql\"}}"));

    long t4 = T + 80 * SEC;
    SpanRow sender = add(txn(1, null, hex(32), null, "POST /signup", t4, t4 + 5 * SEC));
    orphan = add(txn(1, "mailer", sender.traceId(), hex(16), "send email", t4 + SEC, t4 + 2 * SEC));
    add(txn(1, "mailer", hex(32), hex(16), "send email", t4 + SEC, t4 + 2 * SEC));

    SpanRow x = add(txn(2, "x", hex(32), null, "GET /x", T, T + SEC));
    SpanRow xc = add(span(x, "http.client", "GET http://y/y", T + 100_000, T + 500_000));
    add(txn(2, "y", x.traceId(), xc.spanId(), "GET /y", T + 200_000, T + 400_000));

    storage().writer().write(WriteBatch.ofSpans(rows));
  }

  private ServiceMap map(Long project) {
    return storage().serviceMap().serviceMap(ServiceMapQuery.of(project, NOW - 3_600_000_000L, NOW));
  }

  private static ServiceMap.Edge edge(ServiceMap m, String source, String target) {
    Optional<ServiceMap.Edge> e = m.edges().stream()
        .filter(x -> x.source().equals(source) && x.target().equals(target)).findFirst();
    assertTrue(e.isPresent(), source + " -> " + target + " in " + m.edges());
    return e.get();
  }

  private static ServiceMap.Node node(ServiceMap m, String service) {
    Optional<ServiceMap.Node> n = m.nodes().stream().filter(x -> x.service().equals(service)).findFirst();
    assertTrue(n.isPresent(), service + " in " + m.nodes());
    return n.get();
  }

  @Test
  void linkedCallsAreExtrapolatedBySampleRate() {
    ServiceMap.Edge e = edge(map(1L), "frontend-app", "backend");
    assertEquals(3, e.count());
    assertEquals(6.0, e.calls(), 1e-9, "3 calls sampled at 0.5");
    assertEquals(3, e.linked());
    assertEquals(0, e.lost());
    assertEquals(0, e.orphaned());
    assertEquals(0.0, e.lostShare());
    assertEquals(1 / 3.0, e.failureRate(), 1e-9, "the callee's transaction failed once");
    assertEquals(100.0, e.p50(), 100.0 * DurationHistogram.RELATIVE_ERROR, "callee durations 50, 100, 150 ms");
    assertTrue(e.p95() > 140 && e.p95() <= 150, "p95 " + e.p95());
    assertTrue(e.examples().isEmpty());
  }

  @Test
  void nodesAreServicesOrTheProjectName() {
    ServiceMap m = map(1L);
    ServiceMap.Node front = node(m, "frontend-app");
    assertFalse(front.external());
    assertEquals(7, front.transactions(), "the project's rows without a service");
    ServiceMap.Node backend = node(m, "backend");
    assertEquals(3, backend.transactions());
    assertEquals(1 / 3.0, backend.failureRate(), 1e-9);
    assertTrue(backend.p95() > 140 && backend.p95() <= 150, "p95 " + backend.p95());
  }

  @Test
  void lostCallMatchesARootByMethodAndPathInsideTheSkewedWindow() {
    ServiceMap m = map(1L);
    ServiceMap.Edge e = edge(m, "frontend-app", "payments");
    assertEquals(1, e.lost());
    assertEquals(0, e.linked());
    assertEquals(1.0, e.lostShare());
    assertEquals(List.of(new ServiceMap.Example(paymentsClient.traceId(), paymentsClient.spanId(),
        "POST http://payments.svc/charge", paymentsRoot.traceId())), e.examples());
    assertEquals(1000.0, e.p50(), 1000.0 * DurationHistogram.RELATIVE_ERROR, "the root's duration");
  }

  @Test
  void lostCallMatchesOpenTelemetryAttributes() {
    ServiceMap.Edge e = edge(map(1L), "frontend-app", "cart");
    assertEquals(1, e.lost());
    assertEquals(1.0, e.lostShare());
    assertEquals(List.of(new ServiceMap.Example(cartClient.traceId(), cartClient.spanId(), "GET",
        cartRoot.traceId())), e.examples());
  }

  @Test
  void unmatchedCallsAreLeafNodesNamedByHostOrDatabase() {
    ServiceMap m = map(1L);
    ServiceMap.Edge inv = edge(m, "frontend-app", "inventory.internal");
    assertEquals(1, inv.count());
    assertEquals(0, inv.lost());
    assertEquals(0, inv.linked());
    assertEquals(1000.0, inv.p50(), 1000.0 * DurationHistogram.RELATIVE_ERROR, "the client span's duration");
    assertTrue(node(m, "inventory.internal").external());
    assertEquals(1, edge(m, "frontend-app", "postgresql").count());
    assertTrue(node(m, "postgresql").external());
    assertFalse(node(m, "inventory").external(), "the roots' service is a node, but no edge leads to it");
    assertTrue(m.edges().stream().noneMatch(x -> x.target().equals("inventory")), m.edges().toString());
  }

  @Test
  void orphansAreAttributedToTheEnclosingTransactionOrAnUnknownCaller() {
    ServiceMap m = map(1L);
    ServiceMap.Edge e = edge(m, "frontend-app", "mailer");
    assertEquals(1, e.orphaned());
    assertEquals(0, e.lost());
    assertEquals(List.of(new ServiceMap.Example(orphan.traceId(), orphan.spanId(), "send email", null)),
        e.examples());
    ServiceMap.Edge unknown = edge(m, ServiceMap.UNKNOWN_CALLER, "mailer");
    assertEquals(1, unknown.orphaned());
    assertTrue(node(m, ServiceMap.UNKNOWN_CALLER).external());
  }

  @Test
  void causesTellLostHeadersFromAsyncHandOffsAndMissingParents() {
    // a worker's job loses its context inside the worker: its transaction's parent never arrived
    long t = T + 100 * SEC;
    SpanRow job = txn(1, "worker", hex(32), null, "POST /jobs", t, t + 5 * SEC).build();
    storage().writer().write(WriteBatch.ofSpans(List.of(job,
        txn(1, "worker", job.traceId(), hex(16), "run job", t + SEC, t + 2 * SEC).build())));
    ServiceMap m = map(1L);
    assertEquals(new ServiceMap.Causes(0, 1, 0, 0, 0), edge(m, "worker", "worker").causes());
    assertEquals(new ServiceMap.Causes(1, 0, 0, 0, 0), edge(m, "frontend-app", "payments").causes());
    assertEquals(new ServiceMap.Causes(0, 0, 1, 0, 0), edge(m, "frontend-app", "mailer").causes());
    assertEquals(new ServiceMap.Causes(0, 0, 0, 0, 0), edge(m, "frontend-app", "backend").causes());
  }

  @Test
  void causesTellChangedSamplingAndDroppedBaggageFromTheContextFingerprints() {
    // ingestion stores the fingerprint of each transaction's sampling context, and whether it
    // was recorded against the decision it continued (ServiceMapSql.DSC_KEY, SAMPLING_CHANGED_KEY)
    String callers = "{\"spindle.dsc\":\"00000000000000aa\"}";
    List<String> callees = List.of(
        callers, // the baggage arrived
        "{\"spindle.dsc\":\"00000000000000bb\"}", // it did not: the callee made its own context
        "{\"spindle.dsc\":\"00000000000000aa\",\"spindle.sampling_changed\":true}",
        "{}"); // a callee whose SDK sends no context (OpenTelemetry) tells nothing
    List<SpanRow> calls = new ArrayList<>();
    for (int i = 0; i < callees.size(); i++) {
      long t = T + (140 + i) * SEC;
      SpanRow root = txn(1, "gateway", hex(32), null, "GET /pay", t, t + 500_000).dataJson(callers).build();
      SpanRow client = span(root, "http.client", "GET http://ledger/entries", t + 100_000, t + 300_000).build();
      calls.addAll(List.of(root, client, txn(1, "ledger", root.traceId(), client.spanId(), "GET /entries",
          t + 120_000, t + 250_000).dataJson(callees.get(i)).build()));
    }
    storage().writer().write(WriteBatch.ofSpans(calls));
    ServiceMap.Edge e = edge(map(1L), "gateway", "ledger");
    assertEquals(4, e.linked());
    assertEquals(1, e.samplingChanged());
    assertEquals(1, e.baggageDropped());
    assertEquals(new ServiceMap.Causes(0, 0, 0, 1, 1), e.causes());
    assertEquals(new ServiceMap.Causes(0, 0, 0, 0, 0), edge(map(1L), "frontend-app", "backend").causes(),
        "no fingerprints, nothing told");
  }

  @Test
  void lostCallsAreMatchedWithinTheSkewMeasuredBetweenTheTwoServices() {
    // ten minutes of calls, away from the others: store calls billing, whose clock is 6 s behind,
    // and slow, whose clock is 30 s behind (more than ClockSkew.MAX_US allows); audit was not measured
    long t = (ClockSkew.bucket(T) - 2) * ClockSkew.BUCKET_US + 60 * SEC;
    List<SpanRow> callers = new ArrayList<>();
    List<SpanRow> callees = new ArrayList<>();
    for (String[] callee : new String[][] {{"billing", "6"}, {"slow", "30"}}) {
      SpanRow root = txn(1, "store", hex(32), null, "GET /cart", t, t + SEC).build();
      SpanRow client = span(root, "http.client", "GET http://" + callee[0] + "/cart", t + 100_000, t + 400_000).build();
      callers.addAll(List.of(root, client));
      long behind = Long.parseLong(callee[1]) * SEC;
      callees.add(txn(1, callee[0], root.traceId(), client.spanId(), "GET /cart", t + 150_000 - behind,
          t + 350_000 - behind).build());
    }
    // the calls whose context was lost: each callee's root started 5 s (12 s for slow) before the call
    List<SpanRow> lost = new ArrayList<>();
    for (String[] callee : new String[][] {{"billing", "5"}, {"audit", "5"}, {"slow", "12"}}) {
      long s = t + 20 * SEC;
      SpanRow root = txn(1, "store", hex(32), null, "POST /order", s, s + SEC).build();
      lost.add(root);
      String path = "/" + callee[0] + "-invoice"; // matched by method and path, not by host
      lost.add(span(root, "http.client", "GET http://" + callee[0] + path, s + 100_000, s + 400_000).build());
      long early = Long.parseLong(callee[1]) * SEC;
      lost.add(txn(1, callee[0], hex(32), null, "GET " + path, s + 100_000 - early, s + 200_000 - early).build());
    }
    storage().writer().write(WriteBatch.ofSpans(lost));
    storage().writer().write(WriteBatch.ofSpans(callers));
    storage().writer().write(WriteBatch.ofSpans(callees)); // the callees came apart from their callers
    ServiceMap m = map(1L);
    ServiceMap.Edge billing = edge(m, "store", "billing");
    assertEquals(1, billing.linked());
    assertEquals(1, billing.lost(), "5 s early is within the 6 s measured: " + billing);
    assertTrue(m.edges().stream().noneMatch(e -> e.target().equals("audit") && e.lost() > 0),
        "5 s early is beyond the 2 s allowed without a measure: " + m.edges());
    assertEquals(1, edge(m, "store", "audit").count(), "a leaf named by the host");
    ServiceMap.Edge slow = edge(m, "store", "slow");
    assertEquals(1, slow.linked());
    assertEquals(0, slow.lost(), "12 s is beyond the most allowed, " + ClockSkew.MAX_US / SEC + " s");
  }

  @Test
  void projectsAreIsolated() {
    ServiceMap one = map(1L);
    assertTrue(one.nodes().stream().noneMatch(n -> n.service().equals("x") || n.service().equals("y")));
    ServiceMap two = map(2L);
    assertEquals(List.of("x -> y"), two.edges().stream().map(e -> e.source() + " -> " + e.target()).toList());
    assertEquals(1, edge(two, "x", "y").linked());
    ServiceMap all = map(null);
    edge(all, "x", "y");
    edge(all, "frontend-app", "payments");
  }

  @Test
  void anEmptyPeriodHasNoNodesOrEdges() {
    ServiceMap m = storage().serviceMap().serviceMap(
        ServiceMapQuery.of(null, NOW - 7 * 86_400_000_000L, NOW - 6 * 86_400_000_000L));
    assertTrue(m.nodes().isEmpty(), m.nodes().toString());
    assertTrue(m.edges().isEmpty(), m.edges().toString());
  }

  @Test
  void seriesGivesTheLostShareOverTime() {
    long start = T - 60 * SEC;
    ServiceMap m = storage().serviceMap().serviceMap(
        ServiceMapQuery.of(1L, start, T + 240 * SEC).withSeries(60 * SEC));
    ServiceMap.Edge pay = edge(m, "frontend-app", "payments");
    assertEquals(5, pay.series().size());
    long lostBucket = Math.floorDiv(paymentsClient.endUs(), 60 * SEC) * 60 * SEC;
    for (ServiceMap.Bucket b : pay.series()) {
      assertEquals(b.startUs() == lostBucket ? 1 : 0, b.lost(), "bucket " + b);
      assertEquals(b.startUs() == lostBucket ? 1.0 : 0.0, b.lostShare());
    }
    ServiceMap.Edge linked = edge(m, "frontend-app", "backend");
    assertEquals(3, linked.series().stream().mapToLong(ServiceMap.Bucket::linked).sum());
    assertNull(linked.series().stream().filter(b -> b.lost() > 0).findFirst().orElse(null));
  }

  @Test
  void aTraceWithThousandsOfLostCallsIsMatchedInBoundedWork() {
    List<SpanRow> many = new ArrayList<>();
    long t = T + 120 * SEC;
    SpanRow root = txn(1, "batch", hex(32), null, "POST /batch", t, t + 100 * SEC).build();
    many.add(root);
    for (int i = 0; i < 2000; i++) {
      long s = t + i * 50_000L;
      many.add(span(root, "http.client", "PUT http://sink/item", s, s + 40_000).build());
      many.add(txn(1, "sink", hex(32), null, "PUT /item", s + 10_000, s + 30_000).build());
    }
    storage().writer().write(WriteBatch.ofSpans(many));
    long started = System.nanoTime();
    ServiceMap.Edge e = edge(map(1L), "batch", "sink");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(2000, e.lost());
    assertEquals(ServiceMapQuery.EXAMPLES, e.examples().size());
    assertTrue(ms < 20_000, "took " + ms + " ms");
  }
}
