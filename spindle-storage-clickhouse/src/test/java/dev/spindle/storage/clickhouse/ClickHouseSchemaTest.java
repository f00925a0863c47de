package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What each server generation gets; the 18.16 schema itself runs in the contract tests. */
class ClickHouseSchemaTest {
  private static String all(List<String> ddl) {
    return String.join("\n", ddl);
  }

  @Test
  void debian1816GetsNoModernFeature() {
    ServerVersion v = ServerVersion.parse("18.16.1");
    assertFalse(v.modern());
    String ddl = all(new ClickHouseSchema("spindle", null, false, v, 30).ddl());
    for (String modern : List.of("TTL", "CODEC", "LowCardinality", "INDEX", "DateTime64", "Map(")) {
      assertFalse(ddl.contains(modern), modern + " must not be used on 18.16");
    }
    assertTrue(ddl.contains("ReplacingMergeTree() PARTITION BY toYYYYMMDD(start_time) ORDER BY (trace_id, project_id, span_id)"));
    assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS spindle.trace_index (trace_id String, lo DateTime, hi DateTime)"
        + " ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(lo) ORDER BY (trace_id, lo, hi) SETTINGS index_granularity = 1024"));
    assertTrue(ddl.contains("CREATE MATERIALIZED VIEW IF NOT EXISTS spindle.trace_index_mv TO spindle.trace_index AS"
        + " SELECT trace_id, min(start_time) AS lo, max(start_time) AS hi FROM spindle.spans GROUP BY trace_id"),
        "the trace-id -> time-range lookup, fed by every insert");
  }

  @Test
  void currentServersGetTtlCodecsAndIndexes() {
    ServerVersion v = ServerVersion.parse("24.8.4.13");
    assertTrue(v.modern());
    String ddl = all(new ClickHouseSchema("spindle", null, false, v, 30).ddl());
    assertTrue(ddl.contains("TTL start_time + toIntervalDay(30)"));
    assertTrue(ddl.contains("CODEC(ZSTD(1))"));
    assertTrue(ddl.contains("LowCardinality(Nullable(String))"));
    assertTrue(ddl.contains("INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 1"));
    assertFalse(all(new ClickHouseSchema("spindle", null, false, v, 0).ddl()).contains("TTL"));
  }

  @Test
  void clusterModeShardsByTraceId() {
    ClickHouseSchema s = new ClickHouseSchema("spindle", "traces", true, ServerVersion.parse("23.3"), 0);
    String ddl = all(s.ddl());
    assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS spindle.spans_local ON CLUSTER traces"));
    String dist = s.ddl().stream().filter(d -> d.startsWith("CREATE TABLE IF NOT EXISTS spindle.spans ON CLUSTER"))
        .findFirst().orElseThrow();
    assertTrue(dist.endsWith(" ENGINE = Distributed(traces, spindle, spans_local, cityHash64(trace_id))"), dist);
    assertFalse(dist.contains("CODEC") || dist.contains("INDEX"), "Distributed tables take no codecs or skip indexes");
    assertTrue(dist.contains("LowCardinality(Nullable(String))"), "but the same types");
    assertEquals("spindle.spans", s.table("spans"));
    assertEquals("spindle.spans_local", s.local("spans"));
    assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS spindle.projects ON CLUSTER traces (id UInt64, name String,"
        + " public_key String, scrub_pii UInt8, created_us Int64, version UInt64)"
        + " ENGINE = Distributed(traces, spindle, projects_local, cityHash64(id))"), "metadata shared by the cluster");
    assertTrue(all(s.ddl(true)).contains("CREATE TABLE IF NOT EXISTS spindle.projects (id UInt64"),
        "unless it predates sharing: plain tables");
    assertFalse(all(s.ddl(true)).contains("projects_local"));
    assertTrue(ddl.contains("ENGINE = Distributed(traces, spindle, trace_index_local, cityHash64(trace_id))"),
        "the trace index on the shard of its trace");
    assertTrue(s.shardObjects(false).containsAll(List.of("spans_local", "trace_index_mv_local", "projects_local")));
    assertFalse(s.shardObjects(true).contains("projects_local"), "plain metadata stays on its node");
  }

  @Test
  void versionsParse() {
    assertEquals(new ServerVersion(20, 3), ServerVersion.parse("20.3.1"));
    assertFalse(ServerVersion.parse("20.2").modern());
    assertTrue(ServerVersion.parse("25.8.1.1").modern());
  }
}
