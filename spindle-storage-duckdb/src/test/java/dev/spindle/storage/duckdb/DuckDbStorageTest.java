package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageProvider;
import dev.spindle.storage.tests.ServiceMapContract;
import dev.spindle.storage.tests.StorageContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * DuckDB runs the shared storage contract on a file in a temporary folder, opened the way the
 * server opens it: the provider found by name through {@link java.util.ServiceLoader}.
 */
class DuckDbStorageTest extends StorageContract {
  @Override
  protected Storage open(Path dir) {
    return StorageProvider.named("duckdb").open(new StorageConfig(dir, Map.of(), 0));
  }

  /** The service-map contract again, answered from the rollup (every minute of its hour rolled up). */
  @Nested
  class ServiceMapsFromTheRollup extends ServiceMapContract {
    @Override
    protected Storage storage() {
      return storage;
    }

    @BeforeEach
    void rollUp() throws Exception {
      DuckDbStorage duck = (DuckDbStorage) storage;
      CallRollupTest.rollUp(duck);
      ServiceMapQuery hour = ServiceMapQuery.of(null, NOW - 3_600_000_000L, NOW);
      try (Connection c = duck.readConnection()) {
        assertEquals(List.of(new DuckDbCalls.Range(hour.startUs(), hour.endUs())), CallRollup.rolledUp(c, hour));
      }
    }
  }

  @Test
  void providerIsFoundByNameAndIsOneProcesssFile() {
    StorageProvider p = StorageProvider.named("duckdb");
    assertInstanceOf(DuckDbStorageProvider.class, p);
    assertFalse(p.sharedByProcesses());
  }
}
