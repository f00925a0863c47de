package dev.spindle.storage.duckdb;

import dev.spindle.storage.Storage;
import dev.spindle.storage.tests.StorageContract;
import java.nio.file.Path;

/** DuckDB runs the shared storage contract on a file in a temporary folder. */
class DuckDbStorageTest extends StorageContract {
  @Override
  protected Storage open(Path dir) {
    return DuckDbStorage.open(dir.resolve("spindle.duckdb"));
  }
}
