package dev.spindle.server;

import java.util.Map;

/** A request the server refuses: a 4xx (or 503) with a precise message for the client. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final transient Map<String, String> headers;

  ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  ApiException(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = headers;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException unauthorized(String message) {
    return new ApiException(401, message);
  }

  static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }

  static ApiException tooLarge(String message) {
    return new ApiException(413, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** 503 with {@code Retry-After}: the writer is behind; the client should retry later. */
  static ApiException overloaded(String message, int retryAfterSeconds) {
    return new ApiException(503, message, Map.of("Retry-After", Integer.toString(retryAfterSeconds),
        "X-Sentry-Rate-Limits", retryAfterSeconds + "::organization:overloaded"));
  }
}
