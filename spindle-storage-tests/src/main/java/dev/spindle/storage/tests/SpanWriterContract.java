package dev.spindle.storage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of a {@link SpanWriter}, run against every writer the server can be given: the
 * storage backends and the queue between ingest and writer nodes. A subclass supplies the writer,
 * a way to read back what it took, and states how it treats a row it cannot store.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SpanWriterContract {
  /** What a writer does with a batch holding a row it cannot store. */
  protected enum Refusal {
    /** It stores such rows: the whole batch is written (a negative project id is just a number). */
    NONE,
    /**
     * {@code write} throws; the rows of the bad row's table are not written, but rows of other
     * tables written before it stay written (one insert per table, no transaction across them).
     */
    PER_TABLE
  }

  /** The writer under test. */
  protected abstract SpanWriter writer();

  /**
   * The spans and errors of the trace that the writer's destination holds (a store: what a query
   * reads; a queue: what its consumer was handed), waiting up to a few seconds until there are at
   * least {@code rows}, then returning what there is.
   */
  protected abstract WriteBatch stored(String traceId, int rows) throws InterruptedException;

  /** How this writer treats a row it cannot store (here: one with a negative project id). */
  protected abstract Refusal refusal();

  private static final long NOW_US = System.currentTimeMillis() / 1000 * 1_000_000;

  private static String newTraceId() {
    return String.format("%016x%016x", ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong());
  }

  private static SpanRow span(String traceId, long projectId, String spanId) {
    return SpanRow.builder().projectId(projectId).traceId(traceId).spanId(spanId).transaction("GET /c")
        .startUs(NOW_US).endUs(NOW_US + 1_000).build();
  }

  private static ErrorRow error(String traceId, long projectId) {
    return new ErrorRow(projectId, newTraceId(), traceId, null, NOW_US, "error", "boom", "E", "GET /c",
        Map.of(), null, null, null, "java", null);
  }

  private static List<SpanRow> sorted(List<SpanRow> spans) {
    return spans.stream().sorted(Comparator.comparing(SpanRow::spanId)).toList();
  }

  @Test
  void whatWasWrittenIsReadBack() throws Exception {
    String trace = newTraceId();
    SpanRow full = SpanRow.builder().projectId(1).traceId(trace).spanId("00000000000000a1")
        .segmentId(newTraceId()).segment(true).transaction("GET /\u00fc \"q\"").transactionSource("route")
        .op("http.server").description("d").status("internal_error").startUs(NOW_US).endUs(NOW_US + 5_000)
        .tag("k", "v").dataJson("{\"a\":1}").release("r").environment("prod").user("u").sampleRate(0.5)
        .service("svc").platform("java").build();
    SpanRow child = SpanRow.builder().projectId(1).traceId(trace).spanId("00000000000000a2")
        .parentSpanId("00000000000000a1").startUs(NOW_US + 1).endUs(NOW_US + 2).build();
    SpanRow member = child.toBuilder().spanId("00000000000000a3").op("db").build().joinedTo(full);
    assertEquals("http.server", member.transactionOp());
    ErrorRow err = error(trace, 1);
    writer().write(new WriteBatch(List.of(full, child, member), List.of(err),
        List.of(new ClientReportRow(1, NOW_US, "sample_rate", "transaction", 2))));
    WriteBatch got = stored(trace, 4);
    assertEquals(List.of(full, child, member), sorted(got.spans()));
    assertEquals(List.of(err), got.errors());
  }

  @Test
  void anEmptyBatchIsANoOp() throws Exception {
    writer().write(new WriteBatch(List.of(), List.of(), List.of()));
    String trace = newTraceId();
    SpanRow s = span(trace, 1, "00000000000000b1");
    writer().write(WriteBatch.ofSpans(List.of(s)));
    assertEquals(List.of(s), stored(trace, 1).spans(), "the empty batch left nothing behind");
  }

  @Test
  void aBatchWithARowItCannotStoreIsTakenOrRefusedWhole() throws Exception {
    String trace = newTraceId();
    SpanRow good = span(trace, 1, "00000000000000c1");
    SpanRow bad = span(trace, -1, "00000000000000c2");
    WriteBatch batch = WriteBatch.ofSpans(List.of(good, bad));
    if (refusal() == Refusal.NONE) {
      writer().write(batch);
      assertEquals(List.of(good, bad), sorted(stored(trace, 2).spans()));
    } else {
      assertThrows(StorageException.class, () -> writer().write(batch));
      assertEquals(List.of(), stored(trace, 0).spans(), "the table's rows go in together or not at all");
    }
  }

  @Test
  void aBadRowInOneTableMayLeaveTheOtherTablesWritten() throws Exception {
    String trace = newTraceId();
    SpanRow good = span(trace, 1, "00000000000000d1");
    ErrorRow bad = error(trace, -1);
    WriteBatch batch = new WriteBatch(List.of(good), List.of(bad), List.of());
    if (refusal() == Refusal.NONE) {
      writer().write(batch);
      WriteBatch got = stored(trace, 2);
      assertEquals(List.of(good), got.spans());
      assertEquals(List.of(bad), got.errors());
    } else {
      assertThrows(StorageException.class, () -> writer().write(batch));
      WriteBatch got = stored(trace, 1);
      assertEquals(List.of(good), got.spans(), "the spans went in before the errors were refused");
      assertEquals(List.of(), got.errors());
    }
  }
}
