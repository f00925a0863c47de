package dev.spindle.storage.clickhouse;

import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.TransactionOpUpgrade;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A span table made before {@code transaction_op} gets the column when the storage opens. */
class TransactionOpColumnTest {
  @Test
  void aSpanTableWithoutTheColumnGetsIt() {
    upgrade(null);
  }

  @Test
  void aSpanTableWithoutTheColumnGetsItInClusterMode() {
    String cluster = LocalClickHouse.cluster();
    Assumptions.assumeTrue(cluster != null, "no cluster configured (SPINDLE_CLICKHOUSE_CLUSTER)");
    upgrade(cluster);
  }

  private static ClickHouseStorage open(String db, String cluster) {
    ClickHouseStorage.Builder b = ClickHouseStorage.builder(LocalClickHouse.url()).database(db);
    if (cluster != null) b.cluster(cluster);
    return b.open();
  }

  private static void upgrade(String cluster) {
    String db = "spindle_t_txop_" + Long.toHexString(ProcessHandle.current().pid()) + (cluster == null ? "" : "_c");
    ClickHouseHttp http = new ClickHouseHttp(LocalClickHouse.url(), null, null, Duration.ofSeconds(30));
    http.execute("DROP DATABASE IF EXISTS " + db);
    long now = System.currentTimeMillis() * 1000;
    try {
      try (ClickHouseStorage storage = open(db, cluster)) {
        storage.writer().write(WriteBatch.ofSpans(TransactionOpUpgrade.before(now)));
      }
      // The tables as releases before the column made them.
      if (cluster != null) http.execute("ALTER TABLE " + db + ".spans_local DROP COLUMN transaction_op");
      http.execute("ALTER TABLE " + db + ".spans DROP COLUMN transaction_op");
      try (ClickHouseStorage storage = open(db, cluster)) {
        TransactionOpUpgrade.assertAfter(storage, now);
      }
    } finally {
      http.execute("DROP DATABASE IF EXISTS " + db);
    }
  }
}
