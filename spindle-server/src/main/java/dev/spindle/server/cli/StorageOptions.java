package dev.spindle.server.cli;

import dev.spindle.server.SpindleServer;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.clickhouse.ClickHouseStorage;
import dev.spindle.storage.duckdb.DuckDbStorage;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The storage options every command that opens storage shares ({@code serve}, {@code projects *},
 * {@code tokens *}): a picocli mixin, declared once so names, defaults and help never drift apart.
 */
final class StorageOptions {
  static final String DUCKDB = "duckdb";
  static final String CLICKHOUSE = "clickhouse";

  @Option(names = "--data", defaultValue = "./spindle-data", description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--storage", defaultValue = DUCKDB,
      description = "Storage backend: duckdb (embedded, under --data) or clickhouse (default: ${DEFAULT-VALUE}).")
  String storage;

  @Option(names = "--clickhouse-url", defaultValue = "http://127.0.0.1:8123",
      description = "ClickHouse HTTP URL for --storage clickhouse (default: ${DEFAULT-VALUE});"
          + " credentials from SPINDLE_CLICKHOUSE_USER / SPINDLE_CLICKHOUSE_PASSWORD.")
  String clickhouseUrl;

  @Option(names = "--clickhouse-database", defaultValue = "spindle", description = "ClickHouse database (default: ${DEFAULT-VALUE}).")
  String clickhouseDatabase;

  boolean isClickHouse() {
    return CLICKHOUSE.equals(storage);
  }

  /** Null when {@code --storage} names a known backend, else the message saying what is wrong. */
  String storageError() {
    if (DUCKDB.equals(storage) || CLICKHOUSE.equals(storage)) return null;
    return "--storage: '" + storage + "' (expected: duckdb or clickhouse)";
  }

  /** A ClickHouse storage builder; credentials from SPINDLE_CLICKHOUSE_USER / SPINDLE_CLICKHOUSE_PASSWORD. */
  ClickHouseStorage.Builder clickhouse(String cluster, boolean onCluster, int ttlDays) {
    ClickHouseStorage.Builder ch = ClickHouseStorage.builder(clickhouseUrl).database(clickhouseDatabase)
        .cluster(cluster).onCluster(onCluster).ttlDays(ttlDays);
    String user = System.getenv("SPINDLE_CLICKHOUSE_USER");
    if (user != null && !user.isEmpty()) ch.credentials(user, System.getenv("SPINDLE_CLICKHOUSE_PASSWORD"));
    return ch;
  }

  /** Opens the storage for an offline command (the server stopped); bad options are parameter errors. */
  Storage open() {
    String error = storageError();
    if (error != null) throw new CommandLine.ParameterException(new CommandLine(new Main()), error);
    try {
      if (isClickHouse()) return clickhouse(null, false, 0).open();
      return DuckDbStorage.open(data.resolve(SpindleServer.DB_FILE));
    } catch (StorageException e) {
      if (isClickHouse()) {
        throw new CommandLine.ParameterException(new CommandLine(new Main()),
            "cannot open ClickHouse at " + clickhouseUrl + ": " + e.getMessage());
      }
      throw new CommandLine.ParameterException(new CommandLine(new Main()),
          "cannot open " + data + " (is a server running on it? stop it or use the HTTP API): " + e.getMessage());
    }
  }
}
