package dev.spindle.storage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import dev.spindle.storage.discover.DiscoverQueryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Discover part of the storage contract, run by {@link StorageContract} as a nested class so
 * that every backend proves it. Each test starts from the same seeded data:
 *
 * <ul>
 *   <li>project 1, {@code GET /a}: 10 transactions of 100, 200 ... 1000 ms (i = 1..10), ending i
 *       seconds before {@link #NOW}; status {@code internal_error} for i ≤ 2, {@code cancelled}
 *       for i = 3, else {@code ok}; environment {@code prod} for i ≤ 5 else {@code staging}; tag
 *       {@code region} {@code eu} (odd i) or {@code us} (even i); user {@code u<i % 3>}; each has
 *       one child span {@code db.query} of 10 ms, described {@code SELECT * FROM t_1} (every
 *       transaction's op is {@code http.server});
 *   <li>project 1, {@code GET /b}: 4 transactions of 50, 60, 70 and 2000 ms by user {@code x};
 *       the 2000 ms one has tag {@code a'b} = {@code it's} and release {@code 100%_done};
 *   <li>project 2, {@code GET /c}: one transaction of 5 ms;
 *   <li>project 1, {@code GET /old}: three days old, outside every query's period.
 * </ul>
 */
public abstract class DiscoverContract {
  /** A fixed "now" one hour before the real one. */
  protected static final long NOW = (System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000L) * 1000;
  protected static final long DAY = 86_400_000_000L;

  /** The storage under test (opened empty for each test). */
  protected abstract Storage storage();

  private static String hex(int length) {
    StringBuilder b = new StringBuilder(length);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < length; i++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
    if (b.charAt(0) == '0') b.setCharAt(0, 'a');
    return b.toString();
  }

  private static SpanRow.Builder txn(long project, String name, long endUs, long durationMs) {
    return SpanRow.builder().projectId(project).traceId(hex(32)).spanId(hex(16)).segmentId(hex(32))
        .segment(true).transaction(name).transactionSource("route").op("http.server")
        .startUs(endUs - durationMs * 1000).endUs(endUs).platform("java");
  }

  @BeforeEach
  void seed() {
    List<SpanRow> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      SpanRow root = txn(1, "GET /a", NOW - i * 1_000_000L, i * 100L)
          .status(i <= 2 ? "internal_error" : i == 3 ? "cancelled" : "ok")
          .environment(i <= 5 ? "prod" : "staging").tag("region", i % 2 == 1 ? "eu" : "us")
          .user("u" + (i % 3)).release("r1").build();
      rows.add(root);
      rows.add(SpanRow.builder().projectId(1).traceId(root.traceId()).spanId(hex(16))
          .parentSpanId(root.spanId()).segmentId(root.segmentId()).transaction("GET /a")
          .transactionOp("http.server").op("db.query").description("SELECT * FROM t_1")
          .startUs(root.startUs()).endUs(root.startUs() + 10_000).build());
    }
    long[] b = {50, 60, 70, 2000};
    for (int i = 0; i < b.length; i++) {
      SpanRow.Builder r = txn(1, "GET /b", NOW - (20 + i) * 1_000_000L, b[i]).user("x");
      if (b[i] == 2000) r.tag("a'b", "it's").release("100%_done");
      rows.add(r.build());
    }
    rows.add(txn(2, "GET /c", NOW, 5).build());
    rows.add(txn(1, "GET /old", NOW - 3 * DAY, 5).build());
    storage().writer().write(WriteBatch.ofSpans(rows));
  }

  /** A builder over the last day, all projects. */
  protected static DiscoverQuery.Builder q(String... fields) {
    return DiscoverQuery.builder(NOW - DAY, NOW + 1).fields(List.of(fields));
  }

  protected List<List<Object>> run(DiscoverQuery.Builder b) {
    return storage().discover().discover(b.build()).rows();
  }

  /** The first column of every row. */
  protected List<Object> firstColumn(DiscoverQuery.Builder b) {
    return run(b).stream().map(r -> r.get(0)).toList();
  }

  private Set<Object> set(DiscoverQuery.Builder b) {
    return new HashSet<>(firstColumn(b));
  }

  private static double d(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void groupsByTransactionWithSentryFigures() {
    List<List<Object>> rows = run(q("transaction", "count()", "p95()", "failure_rate()", "avg(duration)",
        "apdex(300)", "user_misery(200)", "count_unique(user)", "tpm()", "p50()", "percentile(duration, 0.9)",
        "min(duration)", "max(duration)", "sum(duration)").projectId(1L));
    assertEquals(2, rows.size(), rows.toString());
    List<Object> a = rows.get(0);
    assertEquals("GET /a", a.get(0), "sorted by count() descending by default");
    assertEquals(10L, a.get(1));
    assertEquals(955.0, d(a.get(2)), 1e-6);
    assertEquals(0.2, d(a.get(3)), 1e-9, "cancelled is not a failure");
    assertEquals(550.0, d(a.get(4)), 1e-6);
    assertEquals((3 + 7 / 2.0) / 10, d(a.get(5)), 1e-9);
    assertEquals((2 + 5.8875) / (3 + 5.8875 + 111.8625), d(a.get(6)), 1e-9);
    assertEquals(3L, a.get(7));
    assertEquals(10 / 1440.0, d(a.get(8)), 1e-6);
    assertEquals(550.0, d(a.get(9)), 1e-6);
    assertEquals(910.0, d(a.get(10)), 1e-6);
    assertEquals(100.0, d(a.get(11)), 1e-6);
    assertEquals(1000.0, d(a.get(12)), 1e-6);
    assertEquals(5500.0, d(a.get(13)), 1e-6);

    List<Object> b = rows.get(1);
    assertEquals("GET /b", b.get(0));
    assertEquals(4L, b.get(1));
    assertEquals(0.0, d(b.get(3)), 1e-9);
    assertEquals(1L, b.get(7));
  }

  @Test
  void aggregatesWithoutGroupsGiveOneRow() {
    List<List<Object>> rows = run(q("count()", "max(timestamp)", "min(timestamp)"));
    assertEquals(1, rows.size());
    assertEquals(15L, rows.get(0).get(0), "transactions of both projects in the period");
    assertEquals(NOW, rows.get(0).get(1));
    assertEquals(NOW - 23_000_000L, rows.get(0).get(2));
    List<List<Object>> none = run(q("count()", "avg(duration)", "apdex()").query("transaction:nothing"));
    assertEquals(1, none.size());
    assertEquals(0L, none.get(0).get(0));
    assertNull(none.get(0).get(1));
    assertNull(none.get(0).get(2));
  }

  @Test
  void datasetSpansIncludesChildSpans() {
    List<List<Object>> rows = run(q("op", "count()").dataset(Dataset.SPANS).projectId(1L).sort("op"));
    assertEquals(List.of(List.of("db.query", 10L), List.of("http.server", 14L)), rows);
    assertEquals(List.of(10L), firstColumn(q("count()").dataset(Dataset.SPANS).query("op:db.query")));
    assertEquals(List.of(0L), firstColumn(q("count()").query("op:db.query")), "transactions only");
  }

  @Test
  void transactionOpIsTheOpOfTheSpansTransaction() {
    assertEquals(List.of(List.of("http.server", "db.query", 10L), List.of("http.server", "http.server", 14L)),
        run(q("transaction.op", "op", "count()").dataset(Dataset.SPANS).projectId(1L).sort("op")));
    assertEquals(List.of(10L), firstColumn(q("count()").dataset(Dataset.SPANS).projectId(1L)
        .query("transaction.op:http.server !op:http.server")));
    assertEquals(List.of(14L), firstColumn(q("count()").projectId(1L).query("transaction.op:http.server")),
        "a transaction's is its own op");
  }

  @Test
  void filtersOnColumnsAndTags() {
    assertEquals(List.of(5L), firstColumn(q("count()").query("environment:prod")));
    assertEquals(List.of(5L), firstColumn(q("count()").query("tags[region]:eu")));
    assertEquals(List.of(3L), firstColumn(q("count()").query("tags[region]:eu environment:prod")));
    assertEquals(List.of(1L), firstColumn(q("count()").query("tags[a'b]:\"it's\"")));
    assertEquals(List.of(1L), firstColumn(q("count()").query("project:2")));
    assertEquals(List.of(4L), firstColumn(q("count()").query("user:x")));
    assertEquals(List.of(4L), firstColumn(q("count()")
        .query("platform:java !release:r1 has:transaction project:1")));
  }

  @Test
  void listsOfValues() {
    assertEquals(List.of(5L), firstColumn(q("count()").query("transaction:[\"GET /b\",\"GET /c\"]")));
    assertEquals(List.of(10L), firstColumn(q("count()").query("!transaction:[\"GET /b\",\"GET /c\"]")));
    assertEquals(List.of(14L), firstColumn(q("count()").query("project:[1, 3]")));
  }

  @Test
  void negationKeepsRowsWithoutTheValue() {
    assertEquals(List.of(10L), firstColumn(q("count()").query("!environment:prod")), "5 staging + 4 GET /b + 1 GET /c");
    assertEquals(List.of(10L), firstColumn(q("count()").query("!tags[region]:eu")));
    assertEquals(List.of(15L), firstColumn(q("count()").query("!tags[nope]:x")));
  }

  @Test
  void hasAndNotHas() {
    assertEquals(List.of(10L), firstColumn(q("count()").query("has:tags[region]")));
    assertEquals(List.of(5L), firstColumn(q("count()").query("!has:tags[region]")));
    assertEquals(List.of(10L), firstColumn(q("count()").query("has:environment")));
    assertEquals(List.of(14L), firstColumn(q("count()").query("has:user")));
    assertEquals(List.of(1L), firstColumn(q("count()").query("!has:user")));
  }

  @Test
  void durationAndTimeComparisons() {
    assertEquals(List.of(9L), firstColumn(q("count()").query("duration:>200ms")), "300..1000 and 2000");
    assertEquals(List.of(2L), firstColumn(q("count()").query("duration:>=1s")));
    assertEquals(List.of(5L), firstColumn(q("count()").query("duration:<=100 transaction:*")));
    assertEquals(List.of(1L), firstColumn(q("count()").query("duration:2s")));
    assertEquals(List.of(13L), firstColumn(q("count()").query("!duration:>0.9s")));
    assertEquals(List.of(2L), firstColumn(q("count()").query("duration:>100ms duration:<0.4s")));
    long cutoff = NOW - 5_500_000L;
    String t = java.time.Instant.ofEpochSecond(cutoff / 1_000_000, (cutoff % 1_000_000) * 1000).toString();
    assertEquals(List.of(6L), firstColumn(q("count()").query("timestamp:>" + t)), "GET /a 1..5 and GET /c");
    assertEquals(List.of(6L), firstColumn(q("count()")
        .query("timestamp:>" + java.math.BigDecimal.valueOf(cutoff, 6).toPlainString())));
  }

  @Test
  void wildcardsAndFreeText() {
    assertEquals(Set.of("GET /a", "GET /b", "GET /c"), set(q("transaction").query("transaction:GET*")));
    assertEquals(Set.of("GET /b"), set(q("transaction").query("transaction:*/b")));
    assertEquals(Set.of("GET /a", "GET /c"), set(q("transaction").query("!transaction:*/b")));
    assertEquals(Set.of(), set(q("transaction").query("transaction:get*")), "wildcards are case-sensitive");
    assertEquals(Set.of("GET /b"), set(q("transaction").query("release:100\\%_*")));
    assertEquals(Set.of(), set(q("transaction").query("release:100_*")), "'_' and '%' are literal");
    assertEquals(Set.of("GET /b"), set(q("transaction").query("/B")), "free text, case-insensitive");
    assertEquals(Set.of("GET /a"), set(q("transaction").dataset(Dataset.SPANS).query("\"from t_1\"")),
        "free text matches the description too");
    assertEquals(Set.of("GET /a", "GET /c"), set(q("transaction").query("!/b")));
  }

  @Test
  void groupByTagsAndCountUniqueOfTags() {
    List<List<Object>> rows = run(q("tags[region]", "count()").projectId(1L).sort("tags[region]"));
    List<Object> nulls = new ArrayList<>();
    nulls.add(null);
    nulls.add(4L);
    assertEquals(List.of(List.of("eu", 5L), List.of("us", 5L), nulls), rows, "missing tags group as null, last");
    assertEquals(List.of(List.of(2L, 2L)), run(q("count_unique(tags[region])", "count_unique(environment)")
        .query("transaction:\"GET /a\"")));
  }

  @Test
  void havingOnSelectedAndHiddenAggregates() {
    assertEquals(List.of("GET /a"), firstColumn(q("transaction", "count()").query("count():>5")));
    assertEquals(List.of("GET /b"), firstColumn(q("transaction", "count()").query("p95():>1s")));
    assertEquals(List.of("GET /a", "GET /b", "GET /c"),
        firstColumn(q("transaction", "count()").query("failure_rate():<=20% !count():>10").sort("transaction")));
    assertEquals(List.of("GET /a"), firstColumn(q("transaction", "count()").query("failure_rate():>0")));
    assertEquals(List.of("GET /a"), firstColumn(q("transaction", "count()").query("count_unique(user):>=3")));
    assertEquals(List.of("GET /b", "GET /c"),
        firstColumn(q("transaction", "count()").query("apdex():>0.7").sort("transaction")));
  }

  @Test
  void sortAndLimit() {
    assertEquals(List.of("GET /b", "GET /a", "GET /c"), firstColumn(q("transaction", "p95()").sort("-p95()")));
    assertEquals(List.of("GET /c", "GET /a", "GET /b"), firstColumn(q("transaction", "p95()").sort("p95()")));
    assertEquals(List.of("GET /c", "GET /b"), firstColumn(q("transaction", "count()").sort("-transaction").limit(2)));
    assertEquals(List.of("GET /a"), firstColumn(q("transaction", "count()").limit(1)));
    assertEquals(List.of("GET /b", "GET /a"),
        firstColumn(q("transaction", "count()", "max(duration)").projectId(1L).sort("-max(duration)")));
  }

  @Test
  void plainRowsNewestFirstByDefault() {
    List<List<Object>> rows = run(q("transaction", "duration", "timestamp", "project", "trace", "span_id",
        "environment", "user", "status", "op", "description", "release", "service", "platform", "tags[region]")
        .limit(3));
    assertEquals(3, rows.size());
    assertEquals("GET /c", rows.get(0).get(0));
    assertEquals(5.0, d(rows.get(0).get(1)), 1e-9);
    assertEquals(NOW, rows.get(0).get(2));
    assertEquals(2L, rows.get(0).get(3));
    assertEquals(32, ((String) rows.get(0).get(4)).length());
    assertEquals(16, ((String) rows.get(0).get(5)).length());
    List<Object> a1 = rows.get(1);
    assertEquals(List.of("GET /a", 100.0, NOW - 1_000_000L, 1L), a1.subList(0, 4));
    assertEquals(List.of("prod", "u1", "internal_error", "http.server"), a1.subList(6, 10));
    assertNull(a1.get(10));
    assertEquals("r1", a1.get(11));
    assertNull(a1.get(12));
    assertEquals("java", a1.get(13));
    assertEquals("eu", a1.get(14));
    assertEquals(List.of(1000.0, 900.0), firstColumn(q("duration").query("transaction:\"GET /a\"")
        .sort("-duration").limit(2)));
  }

  @Test
  void hostileValuesAreOnlyValues() {
    assertEquals(List.of(), run(q("transaction").query("transaction:\"x' OR 1=1 --\"")));
    assertEquals(List.of(), run(q("transaction").query("transaction:\"GET /a'); DROP TABLE spans; --\"")));
    assertEquals(List.of(), run(q("transaction").query("tags[x' OR 1=1 --]:y")));
    assertEquals(List.of(), run(q("transaction", "count()").query("\"' OR ''='\"")));
    List<List<Object>> quoted = run(q("tags[a'b]", "count()").query("has:tags[a'b]"));
    assertEquals(List.of(List.of("it's", 1L)), quoted);
    assertEquals(List.of(15L), firstColumn(q("count()")), "the data is intact");
  }

  @Test
  void projectAndPeriod() {
    assertEquals(List.of(1L), firstColumn(q("count()").projectId(2L)));
    assertEquals(List.of(0L), firstColumn(q("count()").projectId(3L)));
    assertEquals(List.of(1L), run(DiscoverQuery.builder(NOW - 4 * DAY, NOW - 2 * DAY).field("count()"))
        .stream().map(r -> r.get(0)).toList(), "only GET /old");
  }

  @Test
  void invalidQueriesAreRefusedBeforeReachingTheStore() {
    assertThrows(DiscoverQueryException.class, () -> q("nope").build());
    assertThrows(DiscoverQueryException.class, () -> q("transaction").sort("-count()").build());
    assertThrows(DiscoverQueryException.class, () -> q("transaction").query("count():>1").build());
    assertTrue(run(q("transaction").query("transaction:none")).isEmpty());
  }
}
