package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Filter;
import dev.spindle.storage.Project;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.TraceQuery;
import dev.spindle.storage.UiSession;
import dev.spindle.storage.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster of two real shards (two servers this JVM starts): trace search answers exactly what
 * one node answers for the same rows, each shard finding its own traces; nodes talking to
 * different servers share the metadata.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClickHouseMultiShardTest {
  @Test
  void searchOnTwoShardsEqualsOneNode() {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_shards_" + Long.toHexString(System.nanoTime());
    // Opening a storage on each server creates its local tables (no ON CLUSTER without Keeper).
    try (ClickHouseStorage cluster = ClickHouseStorage.builder(shards.get(0)).database(db)
            .cluster(LocalClickHouse.TWO_SHARDS).open();
        ClickHouseStorage other = ClickHouseStorage.builder(shards.get(1)).database(db)
            .cluster(LocalClickHouse.TWO_SHARDS).open();
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
    try (ClickHouseStorage a = ClickHouseStorage.builder(shards.get(0)).database(db).cluster(LocalClickHouse.TWO_SHARDS).open();
        ClickHouseStorage b = ClickHouseStorage.builder(shards.get(1)).database(db).cluster(LocalClickHouse.TWO_SHARDS).open()) {
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
}
