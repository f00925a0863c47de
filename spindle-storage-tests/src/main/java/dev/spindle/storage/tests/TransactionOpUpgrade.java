package dev.spindle.storage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A span table made before {@link SpanRow#transactionOp()} had a column, opened by a release that
 * has it: a backend's test writes {@link #before} rows, drops the {@code transaction_op} column
 * (the table as older releases made it), opens the storage again and calls {@link #assertAfter}.
 */
public final class TransactionOpUpgrade {
  /** The trace of the rows. */
  public static final String TRACE = "1af7651916cd43dd8448eb211c80319c";
  private static final String ROOT = "b7ad6b7169203331";
  private static final String OLD = "00000000000000f1";
  private static final String NEW = "00000000000000f2";

  private TransactionOpUpgrade() {}

  private static SpanRow root(long nowUs) {
    return SpanRow.builder().projectId(1).traceId(TRACE).spanId(ROOT).segmentId(ROOT + TRACE.substring(16))
        .segment(true).transaction("GET /").op("http.server").startUs(nowUs - 5_000).endUs(nowUs).build();
  }

  private static SpanRow child(long nowUs, String spanId) {
    return SpanRow.builder().projectId(1).traceId(TRACE).spanId(spanId).parentSpanId(ROOT).op("db")
        .startUs(nowUs - 4_000).endUs(nowUs - 3_000).build().joinedTo(root(nowUs));
  }

  /** A transaction root and a child of it, to write before the column is dropped. */
  public static List<SpanRow> before(long nowUs) {
    return List.of(root(nowUs), child(nowUs, OLD));
  }

  /**
   * After the upgrade: the old child has no transaction op (none was stored), the root has its own
   * op as before, and a child written now keeps its transaction's op; in trace reads and Discover.
   */
  public static void assertAfter(Storage storage, long nowUs) {
    storage.writer().write(WriteBatch.ofSpans(List.of(child(nowUs, NEW))));
    Map<String, String> expected = new HashMap<>();
    expected.put(ROOT, "http.server");
    expected.put(OLD, null);
    expected.put(NEW, "http.server");

    Map<String, String> read = new HashMap<>();
    for (SpanRow r : storage.traces().trace(TRACE, 1L).spans()) read.put(r.spanId(), r.transactionOp());
    assertEquals(expected, read, "trace read");

    Map<String, String> found = new HashMap<>();
    DiscoverQuery q = DiscoverQuery.builder(nowUs - 60_000_000L, nowUs + 1).dataset(Dataset.SPANS)
        .fields(List.of("span_id", "transaction.op")).query("trace:" + TRACE).build();
    for (List<Object> row : storage.discover().discover(q).rows()) found.put((String) row.get(0), (String) row.get(1));
    assertEquals(expected, found, "Discover over spans");
  }
}
