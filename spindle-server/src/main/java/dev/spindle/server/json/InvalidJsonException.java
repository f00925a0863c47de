package dev.spindle.server.json;

/** Input that is not the JSON it should be: the message says what was read and what is wrong. */
public final class InvalidJsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidJsonException(String message) {
    super(message, null, false, false);
  }
}
