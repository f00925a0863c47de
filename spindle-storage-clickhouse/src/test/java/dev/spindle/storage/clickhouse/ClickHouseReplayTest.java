package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorQuery;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.HistogramBucket;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A batch written twice (a writer replaying after a crash) reads back once everywhere. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClickHouseReplayTest {
  private ClickHouseStorage storage;
  private ClickHouseHttp http;
  private String db;

  @BeforeEach
  void open() {
    db = "spindle_replay_" + Long.toHexString(System.nanoTime());
    storage = ClickHouseStorage.builder(LocalClickHouse.url()).database(db).open();
    http = new ClickHouseHttp(LocalClickHouse.url(), null, null, java.time.Duration.ofSeconds(30));
    // Both copies stay on disk until the test merges them, so reads must deduplicate.
    for (String t : List.of("spans", "transactions", "errors")) http.execute("SYSTEM STOP MERGES " + db + "." + t);
  }

  @AfterEach
  void drop() {
    if (storage != null) storage.dropAll();
  }

  @Test
  void replayedBatchLeavesNoDuplicates() {
    long now = System.currentTimeMillis() * 1000;
    String traceId = "ab" + "0".repeat(29) + "1";
    SpanRow root = SpanRow.builder().projectId(1).traceId(traceId).spanId("a000000000000001")
        .segmentId("c".repeat(32)).segment(true).transaction("GET /replay").startUs(now - 50_000)
        .endUs(now).build();
    SpanRow kid = SpanRow.builder().projectId(1).traceId(traceId).spanId("a000000000000002")
        .parentSpanId(root.spanId()).segmentId(root.segmentId()).transaction("GET /replay")
        .op("db").startUs(now - 40_000).endUs(now - 10_000).build();
    ErrorRow err = new ErrorRow(1, "e".repeat(32), traceId, kid.spanId(), now - 20_000, "error", "boom",
        null, "GET /replay", Map.of(), null, null, null, null, null);
    // Two reports alike but for their place in the topic, and one the writer of role `all` wrote (no key).
    WriteBatch batch = new WriteBatch(List.of(root, kid), List.of(err),
        List.of(new ClientReportRow(1, now, "sample_rate", "transaction", 1, "spindle-rows/0@7#0"),
            new ClientReportRow(1, now, "sample_rate", "transaction", 1, "spindle-rows/0@7#1")));
    storage.writer().write(new WriteBatch(List.of(), List.of(), List.of(new ClientReportRow(1, now, "network_error", "span", 5))));
    storage.writer().write(batch);
    storage.writer().write(batch);
    assertEquals(4, http.query("SELECT count() AS n FROM " + db + ".spans").get(0).get("n").asLong(),
        "both copies are stored");

    TraceData t = storage.traces().trace(traceId, null);
    assertEquals(List.of(root, kid), t.spans());
    assertEquals(List.of(err), t.errors());
    SummaryQuery q = new SummaryQuery(1L, now - 3_600_000_000L, now + 1, List.of(), 300, 10);
    assertEquals(1, storage.aggregator().summarize(q).get(0).count());
    assertEquals(1, storage.aggregator().timeseries(q, 3_600_000_000L).stream().mapToLong(b -> b.count()).sum());
    TraceQuery search = new TraceQuery(1L, now - 3_600_000_000L, now + 1, List.of(), null, null, null, 10);
    assertEquals(2, storage.search().search(search).get(0).spanCount());
    assertEquals(List.of(new HistogramBucket(50, 50, 1)), storage.insights().histogram(q, 10));
    SpanOpSummary op = storage.insights().spanOps(q).get(0);
    assertEquals(1, op.spanCount());
    assertEquals(1, op.transactionCount());
    assertEquals(30.0, op.totalMs(), 1e-9);
    assertEquals(0.6, op.shareOfTime(), 1e-9);
    assertEquals(List.of(err), storage.insights().errors(new ErrorQuery(1L, now - 3_600_000_000L, now + 1, null, 10)));
    assertEquals(List.of(new Outcome(1, "network_error", "span", 5), new Outcome(1, "sample_rate", "transaction", 2)),
        storage.outcomes().outcomes(1L, now - 1, now + 1), "a replayed report counts once, each of its keys once");

    for (String table : List.of("spans", "transactions", "errors")) http.execute("SYSTEM START MERGES " + db + "." + table);
    storage.optimize();
    assertEquals(2, storage.spanTableSize()[1], "merged away on disk too");
  }
}
