package dev.spindle.protocol.internal;

/** An envelope over the reader's limits: an item too large or too many items (a server answers 413). */
public final class EnvelopeTooLargeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  EnvelopeTooLargeException(String message) {
    super(message);
  }
}
