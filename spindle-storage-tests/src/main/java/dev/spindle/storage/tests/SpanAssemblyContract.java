package dev.spindle.storage.tests;

import static dev.spindle.storage.tests.StorageContract.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.Filter;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.SpanAssembler;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Span assembly over a real storage, run by {@link StorageContract} as a nested class: spans that
 * arrive before their segment root (one request each) are joined to it once it comes, read back
 * once per span, and counted in the transaction's breakdown; after a restart the assembler finds
 * them again in the storage.
 */
public abstract class SpanAssemblyContract {
  private static final long NOW = (System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000L) * 1000;

  /** The storage under test (opened empty for each test). */
  protected abstract Storage storage();

  /** A segment root as OTLP ingestion makes it: named, with its service, release and environment. */
  private static SpanRow root(String traceId, String name) {
    String spanId = hex(16);
    return SpanRow.builder().projectId(1).traceId(traceId).spanId(spanId)
        .segmentId(spanId + traceId.substring(16)).segment(true).transaction(name)
        .transactionSource("route").op("http.server").startUs(NOW - 100_000).endUs(NOW)
        .service("shop").release("1.0").environment("prod").platform("otlp").build();
  }

  /** A child span as it arrives without its root: no segment, no transaction, no release. */
  private static SpanRow child(SpanRow parent, String op, long fromMs, long toMs) {
    return SpanRow.builder().projectId(1).traceId(parent.traceId()).spanId(hex(16))
        .parentSpanId(parent.spanId()).op(op).description(op + " work").service("shop")
        .startUs(NOW - 100_000 + fromMs * 1000).endUs(NOW - 100_000 + toMs * 1000).platform("otlp").build();
  }

  private static void writeEach(SpanAssembler a, SpanRow... rows) {
    for (SpanRow r : rows) a.write(WriteBatch.ofSpans(List.of(r)));
  }

  private Map<String, SpanRow> trace(String traceId) {
    List<SpanRow> spans = storage().traces().trace(traceId, 1L).spans();
    Map<String, SpanRow> byId = spans.stream().collect(Collectors.toMap(SpanRow::spanId, Function.identity()));
    assertEquals(byId.size(), spans.size(), "each span once");
    return byId;
  }

  private static void assertJoined(SpanRow root, SpanRow span) {
    assertEquals(root.segmentId(), span.segmentId(), span.op());
    assertEquals(root.transaction(), span.transaction(), span.op());
    assertEquals("route", span.transactionSource(), span.op());
    assertEquals("http.server", span.transactionOp(), span.op());
    assertEquals("shop", span.service(), span.op());
    assertEquals("1.0", span.release(), span.op());
    assertEquals("prod", span.environment(), span.op());
  }

  @Test
  void spansSentBeforeTheirRootAreJoinedToItWhenItComes() {
    SpanAssembler a = SpanAssembler.builder(storage().writer(), storage().segments()).build();
    String traceId = hex(32);
    SpanRow r = root(traceId, "GET /orders");
    SpanRow handler = child(r, "function", 5, 90);
    SpanRow db = child(handler, "db.query", 10, 40);
    SpanRow http = child(handler, "http.client", 40, 80);
    SpanRow late = child(handler, "cache.get", 85, 88);
    // As SimpleSpanProcessor exports: each span alone, when it ends (children first).
    writeEach(a, db, http, handler, r, late);

    Map<String, SpanRow> stored = trace(traceId);
    assertEquals(5, stored.size());
    for (SpanRow s : List.of(handler, db, http, late)) assertJoined(r, stored.get(s.spanId()));
    assertEquals("function work", stored.get(handler.spanId()).description(), "the rest of the span is kept");

    List<SpanOpSummary> ops = storage().insights().spanOps(new SummaryQuery(1L, NOW - 86_400_000_000L,
        NOW + 1, List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /orders")), 300, 10));
    assertEquals(List.of("function", "http.client", "db.query", "cache.get"),
        ops.stream().map(SpanOpSummary::op).toList(), "the breakdown counts every joined span once");
    assertEquals(0.85, ops.get(0).shareOfTime(), 1e-9);
    for (SpanOpSummary o : ops) assertEquals(1, o.spanCount(), o.op());
  }

  @Test
  void aTraceSplitOverBatchesIsJoinedWhicheverBatchComesFirst() {
    SpanAssembler a = SpanAssembler.builder(storage().writer(), storage().segments()).build();
    String first = hex(32);
    SpanRow r1 = root(first, "GET /a");
    SpanRow c1 = child(r1, "db.query", 1, 2);
    String second = hex(32);
    SpanRow r2 = root(second, "GET /b");
    SpanRow c2 = child(r2, "db.query", 1, 2);
    SpanRow c2b = child(c2, "db.fetch", 1, 2);
    // BatchSpanProcessor: one batch holds the first trace's child and the second's root ...
    a.write(WriteBatch.ofSpans(List.of(c1, r2, c2b)));
    // ... the next one the rest.
    a.write(WriteBatch.ofSpans(List.of(r1, c2)));
    assertJoined(r1, trace(first).get(c1.spanId()));
    Map<String, SpanRow> t2 = trace(second);
    assertJoined(r2, t2.get(c2.spanId()));
    assertJoined(r2, t2.get(c2b.spanId()));
  }

  @Test
  void afterARestartTheSpansStillWaitingAreFoundInTheStorage() {
    String traceId = hex(32);
    SpanRow r = root(traceId, "GET /restart");
    SpanRow early = child(r, "db.query", 1, 2);
    SpanRow waiting = child(r, "http.client", 3, 4);
    // Stored before a crash: one child whose root was stored but not assigned, one still waiting.
    storage().writer().write(WriteBatch.ofSpans(List.of(early, r)));
    storage().writer().write(WriteBatch.ofSpans(List.of(waiting)));
    assertEquals(3, storage().segments().unassembled(NOW - 86_400_000_000L, 100).size(),
        "whole traces with a waiting span");

    SpanAssembler restarted = SpanAssembler.builder(storage().writer(), storage().segments())
        .clockMs(() -> NOW / 1000).build();
    assertEquals(3, restarted.rebuild());
    Map<String, SpanRow> stored = trace(traceId);
    assertJoined(r, stored.get(early.spanId()));
    assertJoined(r, stored.get(waiting.spanId()));
    assertTrue(storage().segments().unassembled(NOW - 86_400_000_000L, 100).isEmpty());

    SpanRow orphan = child(root(hex(32), "GET /never"), "db.query", 1, 2);
    storage().writer().write(WriteBatch.ofSpans(List.of(orphan)));
    assertEquals(List.of(orphan.spanId()), storage().segments().unassembled(NOW - 86_400_000_000L, 100)
        .stream().map(SpanRow::spanId).toList());
    assertTrue(storage().segments().unassembled(NOW + 1, 100).isEmpty(), "only spans started since");
  }
}
