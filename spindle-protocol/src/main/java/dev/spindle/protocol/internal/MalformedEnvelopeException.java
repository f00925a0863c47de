package dev.spindle.protocol.internal;

/** An envelope whose framing or headers are malformed (a server answers 400). */
public final class MalformedEnvelopeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  MalformedEnvelopeException(String message) {
    super(message);
  }
}
