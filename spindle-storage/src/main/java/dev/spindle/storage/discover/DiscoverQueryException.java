package dev.spindle.storage.discover;

/**
 * A Discover query the caller got wrong: an unknown field, a syntax error, an unselected sort
 * field... The message says what is wrong and, for query strings, at which position (0-based
 * character index). Servers answer it with a 400.
 */
public final class DiscoverQueryException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  DiscoverQueryException(String message) {
    super(message);
  }
}
