package dev.spindle.storage.write;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens {@link BatchQueue}s of one kind. Implementations are found with {@link ServiceLoader}
 * (a {@code META-INF/services/dev.spindle.storage.write.BatchQueueProvider} file in their jar), so
 * a server runs with any queue on its class path without depending on it.
 */
public interface BatchQueueProvider {
  /** The name configuration chooses this provider by, e.g. {@code kafka}. */
  String name();

  /**
   * Opens a queue (creating what it needs, e.g. a topic).
   *
   * @param settings the provider's settings by name; each provider documents its own
   * @throws IllegalArgumentException when a setting is missing, unknown or malformed
   * @throws IllegalStateException    when the queue cannot be reached or set up
   */
  BatchQueue open(Map<String, String> settings);

  /**
   * The provider named {@code name} on the class path.
   *
   * @throws IllegalArgumentException when there is none, naming those there are
   */
  static BatchQueueProvider named(String name) {
    List<String> found = new ArrayList<>();
    for (BatchQueueProvider p : ServiceLoader.load(BatchQueueProvider.class)) {
      if (p.name().equals(name)) return p;
      found.add(p.name());
    }
    throw new IllegalArgumentException("batch queue '" + name + "' is not on the class path (found: "
        + (found.isEmpty() ? "none" : String.join(", ", found)) + ")");
  }
}
