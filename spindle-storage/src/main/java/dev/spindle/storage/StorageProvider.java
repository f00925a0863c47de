package dev.spindle.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A storage backend as a plug-in: found by {@link ServiceLoader} (a backend module lists its
 * provider in {@code META-INF/services/dev.spindle.storage.StorageProvider}), chosen by
 * {@link #name()} ({@code spindle serve --storage <name>}), opened with a {@link StorageConfig}.
 * Adding a backend is a new module on the class path; nothing else changes.
 */
public interface StorageProvider {
  /** The name users choose the backend by, e.g. {@code duckdb}; lowercase, unique. */
  String name();

  /** One line for {@code --help}: what the backend is and which options it reads. */
  String description();

  /**
   * Whether several server processes can use the backend at once (the scale-out roles need it);
   * an embedded file that one process locks cannot.
   */
  boolean sharedByProcesses();

  /**
   * Opens the storage.
   *
   * @throws StorageException when it cannot be opened (unreachable, locked, corrupt)
   * @throws IllegalArgumentException when an option is invalid
   */
  Storage open(StorageConfig config);

  /** The providers on the class path, in class-path order. */
  static List<StorageProvider> all() {
    List<StorageProvider> out = new ArrayList<>();
    ServiceLoader.load(StorageProvider.class).forEach(out::add);
    return out;
  }

  /**
   * The provider called {@code name}.
   *
   * @throws IllegalArgumentException when there is none, naming the ones there are
   */
  static StorageProvider named(String name) {
    List<String> names = new ArrayList<>();
    for (StorageProvider p : all()) {
      if (p.name().equals(name)) return p;
      names.add(p.name());
    }
    throw new IllegalArgumentException("no storage backend '" + name + "' (available: "
        + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
  }
}
