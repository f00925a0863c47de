package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Filter;
import dev.spindle.storage.Project;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.UiSession;
import dev.spindle.storage.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster of two real shards (two servers this JVM starts): trace search answers exactly what
 * one node answers for the same rows, each shard finding its own traces; nodes talking to
 * different servers share the metadata; a node started before the other server has the tables
 * waits for them, and nodes started at once all come up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClickHouseMultiShardTest {
  @Test
  void searchOnTwoShardsEqualsOneNode() {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_shards_" + Long.toHexString(System.nanoTime());
    // Opening a storage on each server creates its local tables (no ON CLUSTER without Keeper);
    // each waits for the other server's, so they open at once, as two nodes' processes would.
    List<ClickHouseStorage> nodes = openBoth(shards, db);
    try (ClickHouseStorage cluster = nodes.get(0);
        ClickHouseStorage other = nodes.get(1);
        ClickHouseStorage single = ClickHouseStorage.builder(shards.get(0)).database(db + "_single").open()) {
      try {
        long now = System.currentTimeMillis() * 1000;
        List<SpanRow> rows = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
          String traceId = String.format("%032x", 0xabc000L + t * 7919L);
          String root = String.format("%016x", 0x1000L + t);
          String segment = String.format("%032x", 0x5000L + t);
          long start = now - 600_000_000L + t * 1_000_000L;
          long duration = (t % 9 + 1) * 10_000L;
          String name = t % 3 == 0 ? "GET /a" : "POST /b";
          rows.add(SpanRow.builder().projectId(1 + t % 2).traceId(traceId).spanId(root).segmentId(segment).segment(true)
              .transaction(name).op("http.server").status(t % 5 == 0 ? "internal_error" : "ok")
              .environment(t % 4 == 0 ? "prod" : "dev").startUs(start).endUs(start + duration).build());
          for (int c = 0; c < 2; c++) {
            rows.add(SpanRow.builder().projectId(1 + t % 2).traceId(traceId).spanId(String.format("%016x", 0x9000L + t * 10 + c))
                .parentSpanId(root).segmentId(segment).transaction(name).op("db").description("SELECT " + c)
                .startUs(start + 1000).endUs(start + duration - 1000).build());
          }
        }
        WriteBatch batch = WriteBatch.ofSpans(rows);
        cluster.writer().write(batch);
        single.writer().write(batch);
        ClickHouseHttp[] http = {new ClickHouseHttp(shards.get(0), null, null, Duration.ofSeconds(30)),
            new ClickHouseHttp(shards.get(1), null, null, Duration.ofSeconds(30))};
        long[] local = new long[2];
        for (int i = 0; i < 2; i++) {
          local[i] = http[i].query("SELECT count() AS n FROM " + db + ".spans_local").get(0).get("n").asLong();
          assertTrue(local[i] > 0, "shard " + (i + 1) + " holds some of the traces");
        }
        assertEquals(rows.size(), local[0] + local[1], "each row on one shard");

        long from = now - 3_600_000_000L;
        List<TraceQuery> queries = new ArrayList<>();
        for (TraceQuery.Sort sort : TraceQuery.Sort.values()) {
          queries.add(new TraceQuery(null, from, now + 1, List.of(), null, null, sort, 100));
          queries.add(new TraceQuery(null, from, now + 1, List.of(), null, null, sort, 7));
        }
        queries.add(new TraceQuery(2L, from, now + 1, List.of(), null, null, null, 100));
        queries.add(new TraceQuery(null, from, now + 1, List.of(Filter.eq(Filter.Field.TRANSACTION, "GET /a")),
            null, null, null, 100));
        queries.add(new TraceQuery(1L, from, now + 1, List.of(Filter.eq(Filter.Field.ENVIRONMENT, "prod")),
            30_000L, 70_000L, TraceQuery.Sort.LONGEST, 100));
        queries.add(new TraceQuery(null, now - 300_000_000L, now + 1, List.of(), null, null, null, 100));
        for (TraceQuery q : queries) {
          assertEquals(single.search().search(q), cluster.search().search(q), q.toString());
        }
        assertEquals(40, cluster.search().search(queries.get(0)).size());
        for (int t = 0; t < 40; t++) {
          String traceId = String.format("%032x", 0xabc000L + t * 7919L);
          assertEquals(3, cluster.traces().trace(traceId, null).spans().size(), "trace " + traceId + " through the index");
          assertEquals(single.traces().trace(traceId, null), cluster.traces().trace(traceId, null));
        }
      } finally {
        cluster.dropAll();
        other.dropAll();
        single.dropAll();
      }
    }
  }

  @Test
  void nodesTalkingToDifferentServersShareTheMetadata() {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_shards_m_" + Long.toHexString(System.nanoTime());
    List<ClickHouseStorage> nodes = openBoth(shards, db);
    try (ClickHouseStorage a = nodes.get(0);
        ClickHouseStorage b = nodes.get(1)) {
      try {
        List<Project> made = new ArrayList<>();
        for (int i = 0; i < 6; i++) made.add((i % 2 == 0 ? a : b).metadata().createProject("p" + i, "key" + i));
        assertEquals(made, a.metadata().projects());
        assertEquals(made, b.metadata().projects());
        Project rotated = b.metadata().rotateKey(made.get(0).id(), "rotated").orElseThrow();
        assertEquals(Optional.of(rotated), a.metadata().projectByKey("rotated"));
        assertEquals(Optional.empty(), a.metadata().projectByKey("key0"), "the old key, on either server");
        ApiToken t = a.metadata().createToken("t", "c".repeat(64));
        assertEquals(Optional.of(t), b.metadata().activeTokenByHash(t.sha256Hex()));
        a.metadata().saveSession(new UiSession("d".repeat(64), t.sha256Hex(), 1, 2));
        assertTrue(b.metadata().session("d".repeat(64)).isPresent());
        assertTrue(b.metadata().revokeToken(t.id()));
        assertEquals(Optional.empty(), a.metadata().activeTokenByHash(t.sha256Hex()));
        assertEquals(Optional.empty(), a.metadata().session("d".repeat(64)), "revoking a token ends its sessions");
        long[] rows = new long[2];
        for (int i = 0; i < 2; i++) {
          rows[i] = new ClickHouseHttp(shards.get(i), null, null, Duration.ofSeconds(30))
              .query("SELECT count() AS n FROM " + db + ".projects_local").get(0).get("n").asLong();
        }
        assertTrue(rows[0] > 0 && rows[1] > 0, "projects on both shards: " + rows[0] + ", " + rows[1]);
      } finally {
        a.dropAll();
        b.dropAll();
      }
    }
  }

  private static ClickHouseStorage.Builder node(String url, String db) {
    return ClickHouseStorage.builder(url).database(db).cluster(LocalClickHouse.TWO_SHARDS);
  }

  /** A storage on each of the two servers, opened at once. */
  private static List<ClickHouseStorage> openBoth(List<String> shards, String db) {
    CompletableFuture<ClickHouseStorage> other = CompletableFuture.supplyAsync(() -> node(shards.get(1), db).open());
    ClickHouseStorage first = node(shards.get(0), db).open();
    return List.of(first, other.join());
  }

  @Test
  void aNodeStartedBeforeTheOtherShardHasTablesWaitsForThem() throws Exception {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_shards_w_" + Long.toHexString(System.nanoTime());
    // As a query node started first on a fresh cluster: the second server has no table yet.
    CompletableFuture<ClickHouseStorage> first = CompletableFuture.supplyAsync(() -> node(shards.get(0), db).open());
    Thread.sleep(3_000);
    if (first.isDone()) first.join(); // its failure, if it failed
    assertFalse(first.isDone(), "waits while the second shard has no tables");
    try (ClickHouseStorage second = node(shards.get(1), db).open();
        ClickHouseStorage a = first.get(60, TimeUnit.SECONDS)) {
      try {
        // What a query node does first: read the projects through every shard, create one.
        assertEquals(List.of(), a.metadata().projects());
        Project p = a.metadata().createProject("default", "k1");
        assertEquals(List.of(p), second.metadata().projects());
      } finally {
        a.dropAll();
        second.dropAll();
      }
    }
  }

  @Test
  void aNodeGivesUpWhenTheOtherShardNeverGetsTheTables() {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_shards_g_" + Long.toHexString(System.nanoTime());
    try {
      StorageException e = assertThrows(StorageException.class,
          () -> node(shards.get(0), db).shardWait(Duration.ofSeconds(2)).open());
      assertTrue(e.getMessage().contains(db + ".projects_local"), e.getMessage());
    } finally {
      new ClickHouseHttp(shards.get(0), null, null, Duration.ofSeconds(30)).execute("DROP DATABASE IF EXISTS " + db);
    }
  }

  @Test
  void nodesStartedAtOnceAllComeUp() throws Exception {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_shards_c_" + Long.toHexString(System.nanoTime());
    int nodes = 6;
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ClickHouseStorage>> started = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      String url = shards.get(i % 2);
      started.add(pool.submit(() -> {
        go.await();
        return node(url, db).open();
      }));
    }
    go.countDown();
    List<ClickHouseStorage> open = new ArrayList<>();
    try {
      for (Future<ClickHouseStorage> f : started) open.add(f.get(90, TimeUnit.SECONDS));
      Project p = open.get(0).metadata().createProject("p", "k");
      for (ClickHouseStorage s : open) assertEquals(List.of(p), s.metadata().projects());
    } finally {
      pool.shutdownNow();
      for (String url : shards) new ClickHouseHttp(url, null, null, Duration.ofSeconds(30)).execute("DROP DATABASE IF EXISTS " + db);
      for (ClickHouseStorage s : open) s.close();
    }
  }
}
