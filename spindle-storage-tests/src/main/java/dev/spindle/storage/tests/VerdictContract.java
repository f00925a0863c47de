package dev.spindle.storage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceSummary;
import dev.spindle.storage.TraceVerdict;
import dev.spindle.storage.TraceVerdict.Kind;
import dev.spindle.storage.VerdictQuery;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trace-verdict part of the storage contract, run by {@link StorageContract} as a nested
 * class. Project 1 ({@code shop}) holds one trace of each verdict, project 2 a trace with a gap:
 *
 * <ul>
 *   <li>complete: web calls api, linked;
 *   <li>missing root: a worker transaction whose parent span is in no stored trace;
 *   <li>gap: web's transaction encloses a mailer transaction whose parent span is missing;
 *   <li>lost: web's client span {@code GET http://pay/charge} has no child; a pay root
 *       {@code GET /charge} started in its window (another trace, also complete on its own);
 *   <li>truncated: a transaction whose SDK dropped 7 spans ({@code spindle.dropped_spans}).
 * </ul>
 */
public abstract class VerdictContract {
  private static final long NOW = (System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000L) * 1000;
  private static final long T = NOW - 600_000_000L;
  private static final long SEC = 1_000_000L;

  protected abstract Storage storage();

  private final List<SpanRow> rows = new ArrayList<>();
  private SpanRow complete;
  private SpanRow headless;
  private SpanRow gapped;
  private SpanRow mailer;
  private SpanRow lostClient;
  private SpanRow payRoot;
  private SpanRow truncated;
  private SpanRow otherProject;

  private static String hex(int length) {
    return StorageContract.hex(length);
  }

  private static SpanRow.Builder txn(long project, String service, String traceId, String parent, String name,
      long startUs, long endUs) {
    return SpanRow.builder().projectId(project).traceId(traceId).spanId(hex(16)).parentSpanId(parent)
        .segmentId(hex(32)).segment(true).transaction(name).transactionSource("url").op("http.server")
        .startUs(startUs).endUs(endUs).service(service);
  }

  private static SpanRow.Builder span(SpanRow parent, String op, String description, long startUs, long endUs) {
    return SpanRow.builder().projectId(parent.projectId()).traceId(parent.traceId()).spanId(hex(16))
        .parentSpanId(parent.spanId()).segmentId(parent.segmentId()).transaction(parent.transaction())
        .op(op).description(description).startUs(startUs).endUs(endUs).service(parent.service());
  }

  private SpanRow add(SpanRow.Builder b) {
    SpanRow r = b.build();
    rows.add(r);
    return r;
  }

  @BeforeEach
  void seed() {
    storage().metadata().createProject("shop", hex(32));
    storage().metadata().createProject("other", hex(32));

    complete = add(txn(1, "web", hex(32), null, "GET /home", T, T + SEC));
    SpanRow call = add(span(complete, "http.client", "GET http://api/items", T + 100_000, T + 400_000));
    add(txn(1, "api", complete.traceId(), call.spanId(), "GET /items", T + 150_000, T + 350_000));

    headless = add(txn(1, "worker", hex(32), hex(16), "process job", T + 2 * SEC, T + 3 * SEC));

    gapped = add(txn(1, "web", hex(32), null, "POST /signup", T + 5 * SEC, T + 10 * SEC));
    mailer = add(txn(1, "mailer", gapped.traceId(), hex(16), "send email", T + 6 * SEC, T + 7 * SEC));

    SpanRow payer = add(txn(1, "web", hex(32), null, "POST /checkout", T + 20 * SEC, T + 23 * SEC));
    lostClient = add(span(payer, "http.client", "GET http://pay/charge", T + 21 * SEC, T + 22 * SEC));
    payRoot = add(txn(1, "pay", hex(32), null, "GET /charge", T + 21 * SEC + 100_000, T + 21 * SEC + 500_000));

    truncated = add(txn(1, "web", hex(32), null, "GET /report", T + 30 * SEC, T + 31 * SEC)
        .dataJson("{\"data\":{\"spindle.dropped_spans\":7}}"));

    SpanRow x = add(txn(2, "x", hex(32), null, "GET /x", T + 40 * SEC, T + 45 * SEC));
    otherProject = add(txn(2, "y", x.traceId(), hex(16), "GET /y", T + 41 * SEC, T + 42 * SEC));

    storage().writer().write(WriteBatch.ofSpans(rows));
  }

  private List<TraceVerdict> verdicts(Long project, Kind kind) {
    return storage().verdicts().verdicts(new VerdictQuery(project, NOW - 3_600_000_000L, NOW, Set.of(), kind, 100));
  }

  private TraceVerdict verdict(String traceId) {
    List<TraceVerdict> v = storage().verdicts().verdicts(
        new VerdictQuery(null, NOW - 3_600_000_000L, NOW, Set.of(traceId), null, 10));
    assertEquals(1, v.size(), "verdicts of " + traceId + ": " + v);
    return v.get(0);
  }

  private static Set<String> traces(List<TraceVerdict> vs) {
    return vs.stream().map(TraceVerdict::traceId).collect(Collectors.toSet());
  }

  @Test
  void aLinkedTraceIsComplete() {
    TraceVerdict v = verdict(complete.traceId());
    assertEquals(Set.of(Kind.COMPLETE), v.kinds());
    assertEquals(Kind.COMPLETE, v.verdict());
    assertEquals(T + SEC, v.endUs());
    assertEquals(Kind.COMPLETE, verdict(payRoot.traceId()).verdict(), "a trace that continued a lost call");
  }

  @Test
  void aTraceWithoutARootIsMissingItsRoot() {
    TraceVerdict v = verdict(headless.traceId());
    assertEquals(Set.of(Kind.MISSING_ROOT), v.kinds());
    assertTrue(v.gaps().isEmpty(), "the top orphan is the missing root, not a gap");
  }

  @Test
  void anOrphanUnderItsCallerIsAGapAtThatHop() {
    TraceVerdict v = verdict(gapped.traceId());
    assertEquals(Set.of(Kind.GAP), v.kinds());
    assertEquals(List.of(new TraceVerdict.Gap("web", "mailer", mailer.spanId(), "send email")), v.gaps());
  }

  @Test
  void aCallThatLostItsContextContinuedElsewhere() {
    TraceVerdict v = verdict(lostClient.traceId());
    assertEquals(Set.of(Kind.LOST), v.kinds());
    assertEquals(List.of(new TraceVerdict.Lost(lostClient.spanId(), "GET http://pay/charge", "pay",
        payRoot.traceId())), v.lost());
  }

  @Test
  void droppedSpansTruncateATraceWithTheirCount() {
    TraceVerdict v = verdict(truncated.traceId());
    assertEquals(Set.of(Kind.TRUNCATED), v.kinds());
    assertEquals(7, v.droppedSpans());
  }

  @Test
  void eachKindFiltersTheTraces() {
    assertEquals(Set.of(complete.traceId(), payRoot.traceId()), traces(verdicts(1L, Kind.COMPLETE)));
    assertEquals(Set.of(headless.traceId()), traces(verdicts(1L, Kind.MISSING_ROOT)));
    assertEquals(Set.of(gapped.traceId()), traces(verdicts(1L, Kind.GAP)));
    assertEquals(Set.of(lostClient.traceId()), traces(verdicts(1L, Kind.LOST)));
    assertEquals(Set.of(truncated.traceId()), traces(verdicts(1L, Kind.TRUNCATED)));
    List<TraceVerdict> all = verdicts(1L, null);
    assertEquals(6, all.size());
    assertEquals(truncated.traceId(), all.get(0).traceId(), "newest trace end first");
  }

  @Test
  void asManyTracesAsAQueryMayNameAreJudged() {
    Set<String> named = new java.util.HashSet<>(Set.of(complete.traceId(), lostClient.traceId(), truncated.traceId()));
    while (named.size() < VerdictQuery.MAX_TRACE_IDS) named.add(hex(32));
    List<TraceVerdict> v = storage().verdicts().verdicts(
        new VerdictQuery(1L, NOW - 3_600_000_000L, NOW, named, null, VerdictQuery.MAX_TRACE_IDS));
    assertEquals(Set.of(complete.traceId(), lostClient.traceId(), truncated.traceId()), traces(v));
    assertEquals(Set.of(Kind.LOST), v.stream().filter(t -> t.traceId().equals(lostClient.traceId()))
        .findFirst().orElseThrow().kinds());
  }

  @Test
  void theTraceSearchKeepsTheTracesOfAVerdict() {
    Set<String> gaps = traces(verdicts(1L, Kind.GAP));
    List<TraceSummary> found = storage().search().search(new TraceQuery(1L, NOW - 3_600_000_000L, NOW, List.of(),
        null, null, TraceQuery.Sort.NEWEST, 10, gaps));
    assertEquals(List.of(gapped.traceId()), found.stream().map(TraceSummary::traceId).toList());
    assertEquals(2, found.get(0).transactionCount());
  }

  @Test
  void projectsAreIsolated() {
    assertEquals(Set.of(otherProject.traceId()), traces(verdicts(2L, null)));
    assertEquals(Set.of(otherProject.traceId()), traces(verdicts(2L, Kind.GAP)));
    assertTrue(verdicts(2L, Kind.LOST).isEmpty());
    assertTrue(verdicts(1L, null).stream().noneMatch(v -> v.traceId().equals(otherProject.traceId())));
    assertEquals(List.of(new TraceVerdict.Gap("x", "y", otherProject.spanId(), "GET /y")),
        verdict(otherProject.traceId()).gaps());
  }

  @Test
  void aLateSpanChangesTheVerdict() {
    // the mailer's parent arrives: a span of web's transaction
    storage().writer().write(WriteBatch.ofSpans(List.of(span(gapped, "queue.publish", "send email", T + 5 * SEC,
        T + 6 * SEC).spanId(mailer.parentSpanId()).build())));
    assertEquals(Set.of(Kind.COMPLETE), verdict(gapped.traceId()).kinds());
    // the worker's caller arrives, the root of its trace
    storage().writer().write(WriteBatch.ofSpans(List.of(txn(1, "web", headless.traceId(), null, "POST /jobs",
        T + 2 * SEC - 100_000, T + 2 * SEC).spanId(headless.parentSpanId()).build())));
    assertEquals(Set.of(Kind.COMPLETE), verdict(headless.traceId()).kinds());
    // a root that starts in another trace a lost call's place
    SpanRow root = txn(1, "web", hex(32), null, "GET /late", T + 50 * SEC, T + 53 * SEC).build();
    SpanRow client = span(root, "http.client", "GET http://pay/refund", T + 51 * SEC, T + 52 * SEC).build();
    storage().writer().write(WriteBatch.ofSpans(List.of(root, client)));
    assertEquals(Set.of(Kind.COMPLETE), verdict(root.traceId()).kinds(), "a call to a leaf");
    storage().writer().write(WriteBatch.ofSpans(List.of(txn(1, "pay", hex(32), null, "GET /refund",
        T + 51 * SEC + 10_000, T + 51 * SEC + 20_000).build())));
    assertEquals(Set.of(Kind.LOST), verdict(root.traceId()).kinds());
  }

  @Test
  void anEmptyPeriodHasNoVerdicts() {
    assertTrue(storage().verdicts().verdicts(new VerdictQuery(1L, NOW + SEC, NOW + 2 * SEC, Set.of(), null, 10))
        .isEmpty());
  }
}
