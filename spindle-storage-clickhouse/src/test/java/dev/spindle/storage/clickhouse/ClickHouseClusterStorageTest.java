package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.storage.Storage;
import dev.spindle.storage.tests.StorageContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared contract in cluster mode: {@code Distributed} tables sharded by
 * {@code cityHash64(trace_id)} over {@code _local} tables, on a cluster whose one shard is the
 * local server (the same code paths as a multi-shard cluster; a real one needs more machines).
 */
class ClickHouseClusterStorageTest extends StorageContract {
  private static final List<ClickHouseStorage> OPENED = new ArrayList<>();

  @Override
  protected Storage open(Path dir) {
    String url = LocalClickHouse.url();
    String cluster = LocalClickHouse.cluster();
    assumeTrue(cluster != null, "no cluster configured (SPINDLE_CLICKHOUSE_CLUSTER); cluster mode not tested");
    ClickHouseStorage s = ClickHouseStorage.builder(url).database(ClickHouseStorageTest.databaseFor(dir) + "_c")
        .cluster(cluster).open();
    synchronized (OPENED) {
      OPENED.add(s);
    }
    return s;
  }

  @AfterAll
  static void dropDatabases() {
    synchronized (OPENED) {
      for (ClickHouseStorage s : OPENED) s.dropAll();
      OPENED.clear();
    }
  }
}
