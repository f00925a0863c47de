package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.WriteBatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A client report table made before replay keys gets the column; its rows count as before. */
class ReportKeyMigrationTest {
  @Test
  void oldReportTablesGetTheReplayKey() {
    migrate(null);
  }

  @Test
  void oldReportTablesGetTheReplayKeyInClusterMode() {
    String cluster = LocalClickHouse.cluster();
    Assumptions.assumeTrue(cluster != null, "no cluster configured (SPINDLE_CLICKHOUSE_CLUSTER)");
    migrate(cluster);
  }

  private static void migrate(String cluster) {
    String db = "spindle_t_reports_" + Long.toHexString(ProcessHandle.current().pid()) + (cluster == null ? "" : "_c");
    ClickHouseHttp http = new ClickHouseHttp(LocalClickHouse.url(), null, null, Duration.ofSeconds(30));
    http.execute("DROP DATABASE IF EXISTS " + db);
    http.execute("CREATE DATABASE " + db);
    // The tables as they were before replay keys.
    String columns = " (project_id UInt64, time DateTime, time_micros UInt32, reason String, category String,"
        + " quantity UInt64, timestamp_us Int64 ALIAS toInt64(time) * 1000000 + time_micros)";
    String local = db + (cluster == null ? ".client_reports" : ".client_reports_local");
    http.execute("CREATE TABLE " + local + columns
        + " ENGINE = MergeTree() PARTITION BY toYYYYMMDD(time) ORDER BY (project_id, time)");
    if (cluster != null) {
      http.execute("CREATE TABLE " + db + ".client_reports" + columns
          + " ENGINE = Distributed(" + cluster + ", " + db + ", client_reports_local, rand())");
    }
    long now = System.currentTimeMillis() * 1000;
    http.execute("INSERT INTO " + local + " (project_id, time, time_micros, reason, category, quantity)"
        + " VALUES (1, " + now / 1_000_000 + ", " + now % 1_000_000 + ", 'sample_rate', 'transaction', 2)");
    ClickHouseStorage.Builder b = ClickHouseStorage.builder(LocalClickHouse.url()).database(db);
    if (cluster != null) b.cluster(cluster);
    try (ClickHouseStorage storage = b.open()) {
      ClientReportRow keyed = new ClientReportRow(1, now, "sample_rate", "transaction", 3, "spindle-rows/1@2#0");
      storage.writer().write(new WriteBatch(List.of(), List.of(), List.of(keyed, keyed)));
      assertEquals(List.of(new Outcome(1, "sample_rate", "transaction", 5)), storage.outcomes().outcomes(1L, now - 1, now + 1));
    } finally {
      http.execute("DROP DATABASE IF EXISTS " + db);
    }
  }
}
