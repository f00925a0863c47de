package dev.spindle.server.http;

import java.util.Map;

/**
 * A request the HTTP edge refuses: a 4xx (or 503) with a precise message for the client. Only
 * route handlers throw it; the pipelines behind them report their own domain errors, which the
 * handlers translate.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Map<String, String> headers;

  public ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  public ApiException(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** Response headers to send with the error, e.g. {@code Retry-After}. */
  public Map<String, String> headers() {
    return headers;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }

  /** 429 with {@code Retry-After}: too many requests from this client; retry after the delay. */
  public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiException(429, message, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** 503 with {@code Retry-After} and Sentry's rate-limit header: the client should retry later. */
  public static ApiException overloaded(String message, int retryAfterSeconds) {
    return new ApiException(503, message, Map.of("Retry-After", Integer.toString(retryAfterSeconds),
        "X-Sentry-Rate-Limits", retryAfterSeconds + "::organization:overloaded"));
  }
}
