package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageProvider;
import dev.spindle.storage.tests.StorageContract;
import java.nio.file.Path;
import java.util.Map;
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

  @Test
  void providerIsFoundByNameAndIsOneProcesssFile() {
    StorageProvider p = StorageProvider.named("duckdb");
    assertInstanceOf(DuckDbStorageProvider.class, p);
    assertFalse(p.sharedByProcesses());
  }
}
