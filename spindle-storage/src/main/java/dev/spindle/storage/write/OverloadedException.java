package dev.spindle.storage.write;

import dev.spindle.storage.StorageException;

/**
 * A write refused because the writer is behind (or stopping): nothing of the batch was written,
 * and the same batch may succeed after {@link #retryAfterSeconds()}.
 */
public final class OverloadedException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final int retryAfterSeconds;

  public OverloadedException(String message, int retryAfterSeconds) {
    super(message);
    if (retryAfterSeconds <= 0) {
      throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: > 0)");
    }
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** How long the caller should wait before trying again. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
