package dev.spindle.server.ingest;

/**
 * Ingestion refuses a request: what kind of refusal and a precise message for the client. The
 * ingestion routes turn the kind into an HTTP status; nothing behind them knows about HTTP.
 */
final class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the request was refused. */
  enum Kind {
    /** The payload is malformed (framing, JSON, ids, timestamps). */
    MALFORMED(400),
    /** No usable key, conflicting keys, or an unknown or revoked key. */
    UNAUTHENTICATED(401),
    /** The key is valid for another project. */
    FORBIDDEN(403),
    /** An item, a body or the number of items is over its limit. */
    TOO_LARGE(413),
    /** A content type or encoding ingestion does not read. */
    UNSUPPORTED(415),
    /** A rate limit or quota ({@link Quotas}): retry after {@link #retryAfterSeconds()}. */
    RATE_LIMITED(429),
    /** Too much request data in flight: retry after {@link #retryAfterSeconds()}. */
    OVERLOADED(503),
    /** The writer is behind or storage failed to write: retry after {@link #retryAfterSeconds()}. */
    UNAVAILABLE(503);

    final int status;

    Kind(int status) {
      this.status = status;
    }
  }

  private final Kind kind;
  private final int retryAfterSeconds;
  private final String rateLimits;

  private IngestException(Kind kind, String message, int retryAfterSeconds, String rateLimits) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rateLimits = rateLimits;
  }

  private IngestException(Kind kind, String message, int retryAfterSeconds) {
    this(kind, message, retryAfterSeconds, null);
  }

  Kind kind() {
    return kind;
  }

  /**
   * Seconds the client should wait before retrying; 0 unless {@link Kind#OVERLOADED},
   * {@link Kind#UNAVAILABLE} or {@link Kind#RATE_LIMITED}.
   */
  int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The {@code X-Sentry-Rate-Limits} value of a {@link Kind#RATE_LIMITED} refusal, else null. */
  String rateLimits() {
    return rateLimits;
  }

  static IngestException malformed(String message) {
    return new IngestException(Kind.MALFORMED, message, 0);
  }

  static IngestException unauthenticated(String message) {
    return new IngestException(Kind.UNAUTHENTICATED, message, 0);
  }

  static IngestException forbidden(String message) {
    return new IngestException(Kind.FORBIDDEN, message, 0);
  }

  static IngestException tooLarge(String message) {
    return new IngestException(Kind.TOO_LARGE, message, 0);
  }

  static IngestException unsupported(String message) {
    return new IngestException(Kind.UNSUPPORTED, message, 0);
  }

  static IngestException rateLimited(String message, int retryAfterSeconds, String rateLimits) {
    return new IngestException(Kind.RATE_LIMITED, message, retryAfterSeconds, rateLimits);
  }

  static IngestException overloaded(String message, int retryAfterSeconds) {
    return new IngestException(Kind.OVERLOADED, message, retryAfterSeconds);
  }

  static IngestException unavailable(String message, int retryAfterSeconds) {
    return new IngestException(Kind.UNAVAILABLE, message, retryAfterSeconds);
  }
}
