package dev.spindle.storage.duckdb;

import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageProvider;

/** {@code --storage duckdb}: the embedded default, one file ({@value #FILE}) in the data folder. */
public final class DuckDbStorageProvider implements StorageProvider {
  /** The database file's name inside the data folder. */
  public static final String FILE = "spindle.duckdb";

  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public String description() {
    return "embedded, one file under --data (no options)";
  }

  @Override
  public boolean sharedByProcesses() {
    return false;
  }

  @Override
  public Storage open(StorageConfig config) {
    return DuckDbStorage.open(config.dataDir().resolve(FILE));
  }
}
