package dev.spindle.storage.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ApiToken;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorQuery;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.Filter;
import dev.spindle.storage.HistogramBucket;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.Project;
import dev.spindle.storage.SpanOpSummary;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.Storage;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TimeBucket;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.TraceSummary;
import dev.spindle.storage.TransactionSummary;
import dev.spindle.storage.TransactionNameRule;
import dev.spindle.storage.UiSession;
import dev.spindle.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every storage backend passes. A backend's test subclasses this and implements
 * {@link #open(Path)}; a backend that cannot do something overrides the test with
 * {@code @Disabled("why")}. Each test starts on an empty store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StorageContract {
  /** A fixed "now" one hour before the real one, so rows are inside every default window. */
  protected static final long NOW_US =
      (System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000L) * 1000;

  @TempDir protected Path dir;
  protected Storage storage;

  /**
   * Opens the backend on an empty (or, on the second call in a test, the same) data folder.
   * Backends that keep no files may ignore {@code dir}, but must keep data across a close and
   * re-open of the same {@code dir} within a test.
   */
  protected abstract Storage open(Path dir) throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = open(dir);
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) storage.close();
  }

  protected static String hex(int length) {
    StringBuilder b = new StringBuilder(length);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < length; i++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
    if (b.charAt(0) == '0') b.setCharAt(0, 'a');
    return b.toString();
  }

  /** A transaction root row of {@code durationMs}, ending at {@code endUs}. */
  protected static SpanRow.Builder txn(long projectId, String traceId, String name, long endUs,
      long durationMs) {
    return SpanRow.builder().projectId(projectId).traceId(traceId).spanId(hex(16))
        .segmentId(hex(32)).segment(true).transaction(name).transactionSource("route")
        .op("http.server").startUs(endUs - durationMs * 1000).endUs(endUs);
  }

  protected static SpanRow child(SpanRow parent, String op, long startUs, long endUs) {
    return SpanRow.builder().projectId(parent.projectId()).traceId(parent.traceId())
        .spanId(hex(16)).parentSpanId(parent.spanId()).segmentId(parent.segmentId())
        .transaction(parent.transaction()).op(op).description(op + " work")
        .startUs(startUs).endUs(endUs).build();
  }

  protected void write(SpanRow... rows) {
    storage.writer().write(WriteBatch.ofSpans(List.of(rows)));
  }

  protected SummaryQuery lastDay(Long projectId, List<Filter> filters) {
    return new SummaryQuery(projectId, NOW_US - 86_400_000_000L, NOW_US + 1, filters,
        SummaryQuery.DEFAULT_APDEX_MS, 100);
  }

  protected static Optional<TransactionSummary> named(List<TransactionSummary> list, String name) {
    return list.stream().filter(s -> name.equals(s.transaction())).findFirst();
  }

  @Nested
  class Writes {
    @Test
    void everyFieldRoundTrips() {
      String traceId = hex(32);
      SpanRow root = txn(1, traceId, "GET /users/{id}", NOW_US, 120)
          .parentSpanId("1234567890abcdef").status("internal_error").description("root")
          .tag("http.method", "GET").tag("region", "eu").dataJson("{\"a\":1,\"b\":[true,null]}")
          .release("shop@1.2.3").environment("production").user("id:42").sampleRate(0.25)
          .service("checkout").platform("java").build();
      SpanRow kid = child(root, "db.query", root.startUs() + 1000, root.startUs() + 5000);
      write(root, kid);

      TraceData t = storage.traces().trace(traceId, null);
      assertEquals(traceId, t.traceId());
      assertEquals(List.of(root, kid), t.spans());
      assertTrue(t.errors().isEmpty());
    }

    @Test
    void nullablesStayNull() {
      SpanRow bare = SpanRow.builder().projectId(3).traceId(hex(32)).spanId(hex(16))
          .startUs(NOW_US - 5).endUs(NOW_US).build();
      write(bare);
      SpanRow back = storage.traces().trace(bare.traceId(), null).spans().get(0);
      assertEquals(bare, back);
      assertNull(back.parentSpanId());
      assertNull(back.dataJson());
      assertEquals(Map.of(), back.tags());
    }

    @Test
    void unicodeAndQuotesSurvive() {
      SpanRow r = txn(1, hex(32), "名前 'quoted' \"double\" \\ back", NOW_US, 1)
          .tag("k'ey", "v\"al\nue").description("émoji 🎉").build();
      write(r);
      assertEquals(r, storage.traces().trace(r.traceId(), null).spans().get(0));
    }

    @Test
    void spansAreOrderedByStart() {
      String traceId = hex(32);
      SpanRow root = txn(1, traceId, "t", NOW_US, 100).build();
      SpanRow late = child(root, "late", NOW_US - 10_000, NOW_US - 5_000);
      SpanRow early = child(root, "early", NOW_US - 90_000, NOW_US - 80_000);
      write(late, root, early);
      List<SpanRow> spans = storage.traces().trace(traceId, null).spans();
      assertEquals(List.of(root, early, late), spans);
    }

    @Test
    void projectFilterAndUnknownTrace() {
      String traceId = hex(32);
      write(txn(1, traceId, "a", NOW_US, 10).build(), txn(2, traceId, "b", NOW_US, 10).build());
      assertEquals(2, storage.traces().trace(traceId, null).spans().size());
      assertEquals("b", storage.traces().trace(traceId, 2L).spans().get(0).transaction());
      assertTrue(storage.traces().trace(hex(32), null).isEmpty());
    }

    @Test
    void errorsRoundTripAndJoinTheirTrace() {
      String traceId = hex(32);
      SpanRow root = txn(1, traceId, "t", NOW_US, 10).build();
      ErrorRow err = new ErrorRow(1, hex(32), traceId, root.spanId(), NOW_US - 3000, "error",
          "boom: it broke", "java.lang.IllegalStateException", "t", Map.of("k", "v"), "r1",
          "prod", "id:7", "java", "{\"exception\":{}}");
      ErrorRow elsewhere = new ErrorRow(1, hex(32), hex(32), null, NOW_US, null, null, null, null,
          null, null, null, null, null, null);
      storage.writer().write(new WriteBatch(List.of(root), List.of(err, elsewhere), List.of()));
      TraceData t = storage.traces().trace(traceId, null);
      assertEquals(List.of(err), t.errors());
      assertEquals(List.of(root), t.spans());
      assertEquals("error", storage.traces().trace(elsewhere.traceId(), null).errors().get(0).level());
    }

    @Test
    void traceWrittenInBatchesFarApartReadsWhole() {
      String traceId = hex(32);
      SpanRow early = txn(1, traceId, "early", NOW_US - 20 * 86_400_000_000L, 5).build();
      write(early);
      for (int i = 0; i < 50; i++) write(txn(1, hex(32), "noise", NOW_US - i * 1_000_000L, 1).build());
      SpanRow late = txn(1, traceId, "late", NOW_US, 5).parentSpanId(early.spanId()).build();
      write(late);
      assertEquals(List.of(early, late), storage.traces().trace(traceId, null).spans());
      assertTrue(storage.traces().trace(traceId, 7L).isEmpty());
    }

    @Test
    void idsKeepLeadingZerosAndHighBits() {
      SpanRow root = SpanRow.builder().projectId(1).traceId("00000000000000000000000000000001")
          .spanId("00000000000000ff").segmentId("ffffffffffffffffffffffffffffffff").segment(true)
          .transaction("ids").startUs(NOW_US - 1000).endUs(NOW_US).build();
      SpanRow kid = child(root, "db", NOW_US - 900, NOW_US - 100).toBuilder()
          .spanId("ffffffffffffffff").build();
      ErrorRow e = new ErrorRow(1, "0000000000000000000000000000abcd", root.traceId(), "ffffffffffffffff",
          NOW_US - 500, "error", "boom", null, "ids", null, null, null, null, null, null);
      storage.writer().write(new WriteBatch(List.of(root, kid), List.of(e), null));
      TraceData t = storage.traces().trace(root.traceId(), null);
      assertEquals(List.of(root, kid), t.spans());
      assertEquals(List.of(e), t.errors());
    }

    @Test
    void concurrentBatchesAllLand() throws Exception {
      int threads = 4;
      int batchesPerThread = 25;
      List<String> traceIds = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            for (int b = 0; b < batchesPerThread; b++) {
              SpanRow root = txn(1, hex(32), "concurrent", NOW_US, 50).build();
              List<SpanRow> rows = new ArrayList<>();
              rows.add(root);
              for (int i = 0; i < 20; i++) rows.add(child(root, "op", root.startUs() + i, root.startUs() + i + 1));
              storage.writer().write(WriteBatch.ofSpans(rows));
              traceIds.add(root.traceId());
            }
            return null;
          }));
        }
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
      assertEquals(threads * batchesPerThread, traceIds.size());
      for (String id : traceIds) assertEquals(21, storage.traces().trace(id, null).spans().size(), id);
    }

    @Test
    void emptyBatchIsFine() {
      storage.writer().write(new WriteBatch(null, null, null));
    }

    @Test
    void manyRowsInOneBatch() {
      String traceId = hex(32);
      SpanRow root = txn(1, traceId, "bulk", NOW_US, 1000).build();
      List<SpanRow> rows = new ArrayList<>();
      rows.add(root);
      for (int i = 0; i < 999; i++) rows.add(child(root, "op" + i, root.startUs() + i, root.startUs() + i + 1));
      storage.writer().write(WriteBatch.ofSpans(rows));
      assertEquals(1000, storage.traces().trace(traceId, null).spans().size());
    }

    @Test
    void dataSurvivesReopen() throws Exception {
      SpanRow r = txn(1, hex(32), "kept", NOW_US, 10).build();
      write(r);
      Project p = storage.metadata().createProject("default", hex(32));
      storage.close();
      storage = null;
      storage = open(dir);
      assertEquals(List.of(r), storage.traces().trace(r.traceId(), null).spans());
      assertEquals(Optional.of(p), storage.metadata().project(p.id()));
    }
  }

  @Nested
  class Aggregates {
    @Test
    void sentryFigures() {
      // 100 transactions of 1..100 ms by 10 users; durations > 1200 ms make users miserable.
      List<SpanRow> rows = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        rows.add(txn(1, hex(32), "GET /a", NOW_US - i * 1000_000L, i)
            .status(i <= 10 ? "internal_error" : i <= 15 ? "cancelled" : i <= 20 ? "unknown" : "ok")
            .user("u" + (i % 10)).sampleRate(0.5).build());
      }
      rows.add(txn(1, hex(32), "GET /slow", NOW_US, 400).user("a").build()); // tolerating
      rows.add(txn(1, hex(32), "GET /slow", NOW_US, 1300).user("a").build()); // frustrated
      rows.add(txn(1, hex(32), "GET /slow", NOW_US, 100).user("b").build()); // satisfied
      rows.add(txn(1, hex(32), "GET /slow", NOW_US, 2000).build()); // frustrated, no user
      storage.writer().write(WriteBatch.ofSpans(rows));

      List<TransactionSummary> list = storage.aggregator().summarize(lastDay(1L, List.of()));
      assertEquals("GET /a", list.get(0).transaction(), "busiest first");
      TransactionSummary a = named(list, "GET /a").orElseThrow();
      assertEquals(100, a.count());
      assertEquals(200.0, a.estimatedCount(), 1e-9);
      assertEquals(50.5, a.p50(), 1.0);
      assertEquals(75.25, a.p75(), 1.0);
      assertEquals(95.05, a.p95(), 1.0);
      assertEquals(99.01, a.p99(), 1.0);
      assertEquals(0.10, a.failureRate(), 1e-9);
      assertEquals(1.0, a.apdex(), 1e-9);
      assertEquals(5.8875 / (10 + 5.8875 + 111.8625), a.userMisery(), 1e-9);
      assertEquals(100 / 1440.0, a.tpm(), 1e-6);

      TransactionSummary slow = named(list, "GET /slow").orElseThrow();
      assertEquals(4, slow.count());
      assertEquals((1 + 0.5) / 4, slow.apdex(), 1e-9);
      assertEquals((1 + 5.8875) / (2 + 5.8875 + 111.8625), slow.userMisery(), 1e-9);
      assertEquals(0.0, slow.failureRate(), 1e-9);
    }

    @Test
    void childSpansAreNotTransactions() {
      SpanRow root = txn(1, hex(32), "only", NOW_US, 50).build();
      write(root, child(root, "db", root.startUs(), root.endUs()));
      TransactionSummary s = storage.aggregator().summarize(lastDay(null, List.of())).get(0);
      assertEquals(1, s.count());
    }

    @Test
    void filtersProjectsAndTimeRange() {
      write(txn(1, hex(32), "p1", NOW_US, 5).environment("prod").build(),
          txn(1, hex(32), "p1-staging", NOW_US, 5).environment("staging").build(),
          txn(2, hex(32), "p2", NOW_US, 5).environment("prod").build(),
          txn(1, hex(32), "old", NOW_US - 3 * 86_400_000_000L, 5).environment("prod").build());

      assertEquals(List.of("p1", "p1-staging"), names(lastDay(1L, List.of())));
      assertEquals(List.of("p1", "p2"),
          names(lastDay(null, List.of(Filter.eq(Filter.Field.ENVIRONMENT, "prod")))));
      assertEquals(List.of("p1-staging"), names(lastDay(null,
          List.of(new Filter(Filter.Field.ENVIRONMENT, "prod", true)))));
      assertEquals(List.of("p1-staging"), names(lastDay(null,
          List.of(Filter.eq(Filter.Field.TRANSACTION_CONTAINS, "STAG")))));
      assertEquals(List.of("p2"), names(lastDay(null,
          List.of(Filter.eq(Filter.Field.TRANSACTION, "p2")))));
    }

    @Test
    void hostileFilterValuesAreJustValues() {
      write(txn(1, hex(32), "x", NOW_US, 5).build());
      assertEquals(List.of(), names(lastDay(null,
          List.of(Filter.eq(Filter.Field.TRANSACTION, "x' OR '1'='1")))));
      assertEquals(List.of(), names(lastDay(null,
          List.of(Filter.eq(Filter.Field.TRANSACTION_CONTAINS, "%")))));
      assertEquals(List.of("x"), names(lastDay(null, List.of())), "the table is intact");
    }

    private List<String> names(SummaryQuery q) {
      return storage.aggregator().summarize(q).stream().map(TransactionSummary::transaction)
          .sorted().toList();
    }

    @Test
    void timeseriesHasEveryBucket() {
      long hour = 3_600_000_000L;
      long start = NOW_US / hour * hour - 3 * hour;
      write(txn(1, hex(32), "t", start + 10, 0).build(),
          txn(1, hex(32), "t", start + 20, 0).status("internal_error").build(),
          txn(1, hex(32), "t", start + 2 * hour + 5, 100).build());
      SummaryQuery q = new SummaryQuery(1L, start, start + 3 * hour, List.of(), 300, 10);
      List<TimeBucket> series = storage.aggregator().timeseries(q, hour);
      assertEquals(3, series.size());
      assertEquals(start, series.get(0).startUs());
      assertEquals(2, series.get(0).count());
      assertEquals(2 / 60.0, series.get(0).tpm(), 1e-9, "two transactions in an hour");
      assertEquals(0.5, series.get(0).failureRate(), 1e-9);
      assertEquals(0, series.get(1).count());
      assertEquals(0, series.get(1).tpm(), 1e-9);
      assertEquals(1, series.get(2).count());
      assertEquals(100.0, series.get(2).p95(), 1e-6);
    }
  }

  @Nested
  class Search {
    @Test
    void findsSortsAndLimits() {
      String fast = hex(32);
      String slow = hex(32);
      String other = hex(32);
      SpanRow fastRoot = txn(1, fast, "GET /fast", NOW_US - 5_000_000, 10).build();
      SpanRow slowRoot = txn(1, slow, "GET /slow", NOW_US - 10_000_000, 900).build();
      write(fastRoot, slowRoot, child(slowRoot, "db", slowRoot.startUs(), slowRoot.startUs() + 10),
          txn(2, other, "GET /other", NOW_US, 50).status("internal_error").build());

      TraceQuery all = new TraceQuery(null, NOW_US - 3_600_000_000L, NOW_US + 1, List.of(), null,
          null, TraceQuery.Sort.NEWEST, 10);
      List<TraceSummary> found = storage.search().search(all);
      assertEquals(List.of(other, fast, slow), found.stream().map(TraceSummary::traceId).toList());

      TraceSummary s = found.get(2);
      assertEquals("GET /slow", s.rootTransaction());
      assertEquals(2, s.spanCount());
      assertEquals(1, s.transactionCount());
      assertEquals(900_000, s.endUs() - s.startUs());
      assertEquals(List.of(1L), s.projectIds());
      assertEquals(1, found.get(0).errorCount());

      TraceQuery longest = new TraceQuery(1L, all.startUs(), all.endUs(), List.of(), 100_000L,
          null, TraceQuery.Sort.LONGEST, 1);
      assertEquals(List.of(slow), ids(longest));
      TraceQuery byName = new TraceQuery(null, all.startUs(), all.endUs(),
          List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /fast")), null, null, null, 10);
      assertEquals(List.of(fast), ids(byName));
      TraceQuery byOp = new TraceQuery(null, all.startUs(), all.endUs(),
          List.of(Filter.eq(Filter.Field.OP, "db")), null, null, null, 10);
      assertEquals(List.of(slow), ids(byOp));
      TraceQuery shortMax = new TraceQuery(null, all.startUs(), all.endUs(), List.of(), null,
          60_000L, TraceQuery.Sort.SHORTEST, 10);
      assertEquals(List.of(fast, other), ids(shortMax));
    }

    private List<String> ids(TraceQuery q) {
      return storage.search().search(q).stream().map(TraceSummary::traceId).toList();
    }
  }

  @Nested
  class Outcomes {
    @Test
    void summedByReasonAndCategory() {
      storage.writer().write(new WriteBatch(List.of(), List.of(), List.of(
          new ClientReportRow(1, NOW_US, "sample_rate", "transaction", 3),
          new ClientReportRow(1, NOW_US - 1, "sample_rate", "transaction", 4),
          new ClientReportRow(1, NOW_US, "invalid_timestamps", "span", 1),
          new ClientReportRow(2, NOW_US, "sample_rate", "transaction", 100))));
      List<Outcome> o = storage.outcomes().outcomes(1L, NOW_US - 1000, NOW_US + 1);
      assertTrue(o.contains(new Outcome(1, "sample_rate", "transaction", 7)), o.toString());
      assertTrue(o.contains(new Outcome(1, "invalid_timestamps", "span", 1)), o.toString());
      assertEquals(2, o.size());
      assertEquals(3, storage.outcomes().outcomes(null, NOW_US - 1000, NOW_US + 1).size());
    }
  }

  @Nested
  class Retention {
    @Test
    void deletesOnlyOldRows() {
      SpanRow old = txn(1, hex(32), "old", NOW_US - 40 * 86_400_000_000L, 5).build();
      SpanRow fresh = txn(1, hex(32), "fresh", NOW_US, 5).build();
      ErrorRow oldErr = new ErrorRow(1, hex(32), old.traceId(), null, old.endUs(), null, "m",
          null, null, null, null, null, null, null, null);
      storage.writer().write(new WriteBatch(List.of(old, fresh), List.of(oldErr),
          List.of(new ClientReportRow(1, old.endUs(), "r", "c", 1))));
      long deleted = storage.deleteOlderThan(NOW_US - 30 * 86_400_000_000L);
      assertEquals(3, deleted);
      assertTrue(storage.traces().trace(old.traceId(), null).isEmpty());
      assertFalse(storage.traces().trace(fresh.traceId(), null).isEmpty());
    }
  }

  @Nested
  class Metadata {
    @Test
    void projectsStartAtOneAndKeysResolve() {
      assertTrue(storage.metadata().projects().isEmpty());
      String key = hex(32);
      Project p = storage.metadata().createProject("default", key);
      assertEquals(1, p.id());
      assertTrue(p.scrubPii());
      Project q = storage.metadata().createProject("second", hex(32));
      assertEquals(2, q.id());
      assertEquals(List.of(p, q), storage.metadata().projects());
      assertEquals(Optional.of(p), storage.metadata().projectByKey(key));
      assertEquals(Optional.empty(), storage.metadata().projectByKey(hex(32)));
      assertEquals(Optional.empty(), storage.metadata().project(99));
    }

    @Test
    void rotatedKeyReplacesTheOld() {
      String oldKey = hex(32);
      Project p = storage.metadata().createProject("p", oldKey);
      String newKey = hex(32);
      Project rotated = storage.metadata().rotateKey(p.id(), newKey).orElseThrow();
      assertEquals(newKey, rotated.publicKey());
      assertEquals(Optional.empty(), storage.metadata().projectByKey(oldKey));
      assertEquals(p.id(), storage.metadata().projectByKey(newKey).orElseThrow().id());
      assertEquals(Optional.empty(), storage.metadata().rotateKey(42, hex(32)));
    }

    @Test
    void scrubSwitch() {
      Project p = storage.metadata().createProject("p", hex(32));
      assertFalse(storage.metadata().setScrubPii(p.id(), false).orElseThrow().scrubPii());
      assertFalse(storage.metadata().project(p.id()).orElseThrow().scrubPii());
    }

    @Test
    void tokensByHashAndRevocation() {
      String hash = hex(64);
      ApiToken t = storage.metadata().createToken("admin", hash);
      assertNotNull(t);
      assertEquals(hash, t.sha256Hex());
      assertFalse(t.revoked());
      assertEquals(Optional.of(t), storage.metadata().activeTokenByHash(hash));
      assertEquals(List.of(t), storage.metadata().tokens());
      assertTrue(storage.metadata().revokeToken(t.id()));
      assertEquals(Optional.empty(), storage.metadata().activeTokenByHash(hash));
      assertTrue(storage.metadata().tokens().get(0).revoked());
      assertFalse(storage.metadata().revokeToken(12345));
    }

    @Test
    void tokensKeepTheirScopeAndProjects() {
      ApiToken admin = storage.metadata().createToken("admin", hex(64));
      assertEquals(ApiToken.Scope.ADMIN, admin.scope());
      assertTrue(admin.allProjects());
      String hash = hex(64);
      ApiToken read = storage.metadata().createToken("viewer", hash, ApiToken.Scope.READ, List.of(3L, 1L));
      assertEquals(List.of(1L, 3L), read.projects());
      assertEquals(Optional.of(read), storage.metadata().activeTokenByHash(hash));
      assertEquals(List.of(admin, read), storage.metadata().tokens());
      assertTrue(storage.metadata().revokeToken(read.id()));
      ApiToken revoked = storage.metadata().tokens().get(1);
      assertTrue(revoked.revoked());
      assertEquals(ApiToken.Scope.READ, revoked.scope(), "revoking keeps the scope");
      assertEquals(List.of(1L, 3L), revoked.projects());
    }

    @Test
    void sessionsOutliveAReopenAndGoWithTheirToken() throws Exception {
      String tokenHash = hex(64);
      ApiToken t = storage.metadata().createToken("ui", tokenHash, ApiToken.Scope.READ, List.of(1L));
      UiSession s = new UiSession(hex(64), tokenHash, NOW_US, NOW_US);
      storage.metadata().saveSession(s);
      assertEquals(Optional.of(s), storage.metadata().session(s.idSha256()));
      UiSession used = new UiSession(s.idSha256(), tokenHash, NOW_US, NOW_US + 60_000_000L);
      storage.metadata().saveSession(used);
      assertEquals(Optional.of(used), storage.metadata().session(s.idSha256()), "saving replaces");
      assertEquals(Optional.empty(), storage.metadata().session(hex(64)));
      storage.close();
      storage = null;
      storage = open(dir);
      assertEquals(Optional.of(used), storage.metadata().session(s.idSha256()), "after a re-open");
      UiSession other = new UiSession(hex(64), tokenHash, NOW_US, NOW_US);
      storage.metadata().saveSession(other);
      storage.metadata().deleteSession(other.idSha256());
      assertEquals(Optional.empty(), storage.metadata().session(other.idSha256()));
      assertTrue(storage.metadata().revokeToken(t.id()));
      assertEquals(Optional.empty(), storage.metadata().session(s.idSha256()), "revoked with its token");
    }

    @Test
    void idleSessionsArePurged() throws Exception {
      UiSession idle = new UiSession(hex(64), hex(64), NOW_US - 7_200_000_000L, NOW_US - 3_600_000_000L);
      UiSession live = new UiSession(hex(64), hex(64), NOW_US - 7_200_000_000L, NOW_US);
      storage.metadata().saveSession(idle);
      storage.metadata().saveSession(live);
      storage.metadata().deleteSessionsUsedBefore(NOW_US - 60_000_000L);
      // A backend may purge in the background: wait a bounded time.
      for (int i = 0; i < 100 && storage.metadata().session(idle.idSha256()).isPresent(); i++) Thread.sleep(50);
      assertEquals(Optional.empty(), storage.metadata().session(idle.idSha256()));
      assertEquals(Optional.of(live), storage.metadata().session(live.idSha256()));
    }

    @Test
    void transactionNameRulesPerProjectAddedOnceAndDeleted() throws Exception {
      MetadataStore m = storage.metadata();
      assertEquals(List.of(), m.transactionNameRules(1));
      TransactionNameRule users = new TransactionNameRule("/users/*/**", NOW_US);
      m.addTransactionNameRule(1, users);
      m.addTransactionNameRule(1, new TransactionNameRule("/users/*/**", NOW_US + 5));
      TransactionNameRule files = new TransactionNameRule("/files/*/**", NOW_US);
      m.addTransactionNameRule(1, files);
      m.addTransactionNameRule(2, new TransactionNameRule("/orders/*/**", NOW_US));
      assertEquals(List.of(files, users), m.transactionNameRules(1), "by pattern, the first of a pattern kept");
      storage.close();
      storage = null;
      storage = open(dir);
      m = storage.metadata();
      assertEquals(List.of(files, users), m.transactionNameRules(1), "after a re-open");
      assertTrue(m.deleteTransactionNameRule(1, "/users/*/**"));
      assertFalse(m.deleteTransactionNameRule(1, "/users/*/**"));
      assertFalse(m.deleteTransactionNameRule(3, "/orders/*/**"));
      assertEquals(List.of(files), m.transactionNameRules(1));
      assertEquals(1, m.transactionNameRules(2).size());
      m.addTransactionNameRule(1, users);
      assertEquals(List.of(files, users), m.transactionNameRules(1), "a deleted rule can come back");
    }
  }

  /** Histogram, span operations and the error list behind the transaction summary view. */
  @Nested
  class Insights {
    @Test
    void histogramSpreadsDurationsFromShortestToLongest() {
      List<SpanRow> rows = new ArrayList<>();
      for (int i = 1; i <= 10; i++) rows.add(txn(1, hex(32), "GET /h", NOW_US - i * 1000L, i * 10L).build());
      rows.add(txn(1, hex(32), "GET /other", NOW_US, 5000).build());
      storage.writer().write(WriteBatch.ofSpans(rows));
      List<HistogramBucket> h = storage.insights().histogram(
          lastDay(1L, List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /h"))), 9);
      assertEquals(9, h.size());
      assertEquals(10.0, h.get(0).fromMs(), 1e-9);
      assertEquals(100.0, h.get(8).toMs(), 1e-9);
      assertEquals(10.0, h.get(1).fromMs() - h.get(0).fromMs(), 1e-9);
      assertEquals(10, h.stream().mapToLong(HistogramBucket::count).sum());
      assertEquals(2, h.get(8).count(), "the longest falls in the last bucket");
      assertEquals(1, h.get(0).count());
      assertTrue(storage.insights().histogram(lastDay(2L, List.of()), 9).isEmpty());
      List<HistogramBucket> one = storage.insights().histogram(
          lastDay(1L, List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /other"))), 9);
      assertEquals(List.of(new HistogramBucket(5000, 5000, 1)), one);
    }

    @Test
    void spanOpsSayWhereTheTimeGoes() {
      SpanRow a = txn(1, hex(32), "GET /s", NOW_US, 100).build();
      SpanRow b = txn(1, hex(32), "GET /s", NOW_US, 100).build();
      SpanRow other = txn(1, hex(32), "GET /elsewhere", NOW_US, 100).build();
      write(a, b, other,
          child(a, "db.query", a.startUs(), a.startUs() + 60_000),
          child(a, "db.query", a.startUs(), a.startUs() + 20_000),
          child(b, "db.query", b.startUs(), b.startUs() + 20_000),
          child(b, "http.client", b.startUs(), b.startUs() + 10_000),
          child(other, "cache.get", other.startUs(), other.endUs()));
      List<SpanOpSummary> ops = storage.insights().spanOps(
          lastDay(1L, List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /s"))));
      assertEquals(2, ops.size());
      SpanOpSummary db = ops.get(0);
      assertEquals("db.query", db.op());
      assertEquals(3, db.spanCount());
      assertEquals(2, db.transactionCount());
      assertEquals(100.0, db.totalMs(), 1e-9);
      assertEquals(0.4, db.shareOfTime(), 1e-9, "a's two db spans overlap: 60 ms covered, not 80");
      assertEquals("http.client", ops.get(1).op());
      assertEquals(0.05, ops.get(1).shareOfTime(), 1e-9);
    }

    @Test
    void parallelSpansShareTheirTimeOnceAndNeverPastTheTransaction() {
      SpanRow a = txn(1, hex(32), "GET /fan-out", NOW_US, 100).build();
      SpanRow b = txn(1, hex(32), "GET /fan-out", NOW_US, 100).build();
      long a0 = a.startUs();
      long b0 = b.startUs();
      write(a, b,
          // a: three calls in parallel, 0-60, 20-80 and 90-130 ms (its end clipped at 100): 90 ms
          child(a, "http.client", a0, a0 + 60_000),
          child(a, "http.client", a0 + 20_000, a0 + 80_000),
          child(a, "http.client", a0 + 90_000, a0 + 130_000),
          child(a, "db.query", a0 + 10_000, a0 + 30_000),
          // b: the same call twice at once, 0-50 ms: 50 ms; a span wholly outside b adds nothing
          child(b, "http.client", b0, b0 + 50_000),
          child(b, "http.client", b0, b0 + 50_000),
          child(b, "db.query", b0 + 200_000, b0 + 300_000));
      List<SpanOpSummary> ops = storage.insights().spanOps(
          lastDay(1L, List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /fan-out"))));
      assertEquals(List.of("http.client", "db.query"), ops.stream().map(SpanOpSummary::op).toList());
      SpanOpSummary http = ops.get(0);
      assertEquals(5, http.spanCount());
      assertEquals(60 + 60 + 40 + 50 + 50, http.totalMs(), 1e-9, "the summed time stays the spans' sum");
      assertEquals((90 + 50) / 200.0, http.shareOfTime(), 1e-9, "the union of each transaction's calls");
      assertEquals(20 / 200.0, ops.get(1).shareOfTime(), 1e-9);
      for (SpanOpSummary o : ops) assertTrue(o.shareOfTime() <= 1, o.op() + " " + o.shareOfTime());
    }

    @Test
    void errorsNewestFirstByProjectAndTransaction() {
      ErrorRow old = new ErrorRow(1, hex(32), hex(32), hex(16), NOW_US - 5000, "error", "old",
          null, "GET /e", null, null, null, null, null, null);
      ErrorRow recent = new ErrorRow(1, hex(32), hex(32), hex(16), NOW_US, "error", "recent",
          "java.io.IOException", "GET /e", null, null, null, null, null, null);
      ErrorRow otherTxn = new ErrorRow(1, hex(32), null, null, NOW_US - 1000, "error", "other",
          null, "GET /x", null, null, null, null, null, null);
      ErrorRow otherProject = new ErrorRow(2, hex(32), null, null, NOW_US, "error", "p2",
          null, "GET /e", null, null, null, null, null, null);
      storage.writer().write(new WriteBatch(List.of(), List.of(old, recent, otherTxn, otherProject), List.of()));
      long from = NOW_US - 86_400_000_000L;
      assertEquals(List.of(recent, otherTxn, old),
          storage.insights().errors(new ErrorQuery(1L, from, NOW_US + 1, null, 100)));
      assertEquals(List.of(recent, old),
          storage.insights().errors(new ErrorQuery(1L, from, NOW_US + 1, "GET /e", 100)));
      assertEquals(List.of(recent),
          storage.insights().errors(new ErrorQuery(1L, from, NOW_US + 1, "GET /e", 1)));
      assertEquals(4, storage.insights().errors(new ErrorQuery(null, from, NOW_US + 1, null, 100)).size());
      assertTrue(storage.insights().errors(new ErrorQuery(1L, from, NOW_US - 6000, null, 100)).isEmpty());
    }
  }

  @Nested
  class Discover extends DiscoverContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class SpanAssembly extends SpanAssemblyContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class ServiceMaps extends ServiceMapContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Nested
  class Verdicts extends VerdictContract {
    @Override
    protected Storage storage() {
      return storage;
    }
  }

  @Test
  void invalidRowsAreRejectedByTheModel() {
    assertThrows(IllegalArgumentException.class, () -> SpanRow.builder().traceId(hex(32))
        .spanId(hex(16)).startUs(10).endUs(5).build());
    assertThrows(IllegalArgumentException.class, () -> SpanRow.builder().traceId(hex(32).toUpperCase())
        .spanId(hex(16)).build());
    assertThrows(IllegalArgumentException.class, () -> SpanRow.builder().traceId(hex(32))
        .spanId(hex(15)).build());
    assertThrows(IllegalArgumentException.class, () -> SpanRow.builder().traceId(hex(32))
        .spanId(hex(16)).parentSpanId("not-hex-at-all!!").build());
    assertThrows(IllegalArgumentException.class, () -> new ErrorRow(1, "x", null, null, 0, null,
        null, null, null, null, null, null, null, null, null));
  }
}
