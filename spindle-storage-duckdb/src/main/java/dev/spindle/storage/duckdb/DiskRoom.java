package dev.spindle.storage.duckdb;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a folder's disk has room: the one rule that tells a full disk from other write failures. */
final class DiskRoom {
  private DiskRoom() {}

  /**
   * "read-only" or "full (n bytes usable)" when the disk under {@code dir} is, or has less than
   * {@code need} bytes usable; null when it has room or cannot be examined.
   */
  static String noRoom(Path dir, long need) {
    try {
      FileStore store = Files.getFileStore(dir);
      if (store.isReadOnly()) return "read-only";
      long usable = store.getUsableSpace();
      return usable < need ? "full (" + usable + " bytes usable)" : null;
    } catch (IOException e) {
      return null;
    }
  }
}
