package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link StorageProvider} opens a storage with.
 *
 * @param dataDir       the server's data folder (embedded backends keep their files there)
 * @param options       backend options by name, e.g. {@code url} or {@code database}; a backend
 *                      documents the ones it reads (command line: {@code --storage-option k=v})
 * @param retentionDays days to keep data, for backends that expire rows themselves; 0 when the
 *                      caller does not say (offline commands)
 */
public record StorageConfig(Path dataDir, Map<String, String> options, int retentionDays) {
  public StorageConfig {
    requireNonNull(dataDir, "dataDir");
    options = Map.copyOf(requireNonNull(options, "options"));
    if (retentionDays < 0) throw new IllegalArgumentException("retentionDays: " + retentionDays + " (expected: >= 0)");
  }

  /** The option's value, or {@code fallback} when it is not set. */
  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }
}
