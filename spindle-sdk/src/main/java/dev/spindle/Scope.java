package dev.spindle;

/**
 * Makes a span current until closed. Use with try-with-resources; closing restores the span that
 * was current before. Closing never throws.
 */
public interface Scope extends AutoCloseable {
  /** A scope that does nothing when closed. */
  Scope NOOP = () -> {};

  @Override
  void close();
}
