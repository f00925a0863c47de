package dev.spindle.storage;

/**
 * A write refused because the disk under the storage is full or read-only: nothing of it was
 * stored, and the same write succeeds once there is room again (no restart needed).
 */
public final class StorageFullException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
