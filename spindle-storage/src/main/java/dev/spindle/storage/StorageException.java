package dev.spindle.storage;

/** A storage operation failed (I/O, a broken database...). Not caused by the caller's input. */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
