package dev.spindle.storage.clickhouse;

import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageProvider;
import dev.spindle.storage.tests.StorageContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * ClickHouse runs the shared storage contract, unchanged, on one node: each test gets its own
 * database (named after its temporary folder, so a re-open in the same test finds its data),
 * opened the way the server opens it: the provider found by name through ServiceLoader.
 */
class ClickHouseStorageTest extends StorageContract {
  private static final List<ClickHouseStorage> OPENED = new ArrayList<>();

  static String databaseFor(Path dir) {
    return "spindle_t_" + Integer.toHexString(dir.toAbsolutePath().toString().hashCode() & 0x7fffffff)
        + "_" + Long.toHexString(ProcessHandle.current().pid());
  }

  @Override
  protected Storage open(Path dir) {
    ClickHouseStorage s = (ClickHouseStorage) StorageProvider.named("clickhouse").open(
        new StorageConfig(dir, Map.of("url", LocalClickHouse.url(), "database", databaseFor(dir)), 0));
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
