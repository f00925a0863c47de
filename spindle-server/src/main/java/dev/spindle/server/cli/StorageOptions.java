package dev.spindle.server.cli;

import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.StorageProvider;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The storage options every command that opens storage shares ({@code serve}, {@code projects *},
 * {@code tokens *}): a picocli mixin, declared once so names, defaults and help never drift apart.
 * The backend is found by name among the {@link StorageProvider}s on the class path.
 */
final class StorageOptions {
  @Option(names = "--data", defaultValue = "./spindle-data", description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--storage", defaultValue = "duckdb",
      description = "Storage backend: duckdb (embedded, under --data) or clickhouse; any backend on the class path"
          + " by its name (default: ${DEFAULT-VALUE}).")
  String storage;

  @Option(names = "--storage-option", paramLabel = "NAME=VALUE",
      description = "A backend option, repeatable (clickhouse: url, database, cluster, on-cluster, user, password).")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--clickhouse-url", description = "Same as --storage-option url=URL (default: http://127.0.0.1:8123);"
      + " credentials from SPINDLE_CLICKHOUSE_USER / SPINDLE_CLICKHOUSE_PASSWORD.")
  String clickhouseUrl;

  @Option(names = "--clickhouse-database", description = "Same as --storage-option database=NAME (default: spindle).")
  String clickhouseDatabase;

  /** The provider {@code --storage} names. */
  StorageProvider provider() {
    try {
      return StorageProvider.named(storage);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), "--storage: " + e.getMessage());
    }
  }

  /** The backend options, the shorthand flags included. */
  Map<String, String> options() {
    Map<String, String> all = new LinkedHashMap<>(options);
    if (clickhouseUrl != null) all.put("url", clickhouseUrl);
    if (clickhouseDatabase != null) all.put("database", clickhouseDatabase);
    return all;
  }

  /** Where the data is, for the start-up line. */
  String where() {
    Map<String, String> o = options();
    if (!provider().sharedByProcesses()) return "data: " + data.toAbsolutePath();
    return storage + (o.isEmpty() ? "" : ": " + o.getOrDefault("url", "") + "/" + o.getOrDefault("database", ""));
  }

  /** Opens the storage for an offline command (the server stopped); failures are parameter errors. */
  Storage open() {
    StorageProvider p = provider();
    try {
      return p.open(new StorageConfig(data, options(), 0));
    } catch (StorageException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), "cannot open " + where()
          + (p.sharedByProcesses() ? "" : " (is a server running on it? stop it or use the HTTP API)") + ": " + e.getMessage());
    }
  }
}
