package dev.spindle.protocol;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The status of a span or transaction, as Sentry defines it. {@link #protocolName()} is the
 * string sent on the wire ({@code "ok"}, {@code "internal_error"}, ...). The constants are in the
 * order of gRPC's status codes ({@link #fromGrpcCode}).
 */
public enum SpanStatus {
  OK("ok", 200, 399),
  CANCELLED("cancelled", 499, 499),
  UNKNOWN("unknown", -1, -1),
  INVALID_ARGUMENT("invalid_argument", 400, 400),
  DEADLINE_EXCEEDED("deadline_exceeded", 504, 504),
  NOT_FOUND("not_found", 404, 404),
  ALREADY_EXISTS("already_exists", 409, 409),
  PERMISSION_DENIED("permission_denied", 403, 403),
  RESOURCE_EXHAUSTED("resource_exhausted", 429, 429),
  FAILED_PRECONDITION("failed_precondition", 400, 400),
  ABORTED("aborted", 409, 409),
  OUT_OF_RANGE("out_of_range", 400, 400),
  UNIMPLEMENTED("unimplemented", 501, 501),
  INTERNAL_ERROR("internal_error", 500, 500),
  UNAVAILABLE("unavailable", 503, 503),
  DATA_LOSS("data_loss", 500, 500),
  UNAUTHENTICATED("unauthenticated", 401, 401);

  private final String protocolName;
  private final int minHttp;
  private final int maxHttp;

  SpanStatus(String protocolName, int minHttp, int maxHttp) {
    this.protocolName = protocolName;
    this.minHttp = minHttp;
    this.maxHttp = maxHttp;
  }

  /** The name used on the wire, e.g. {@code "deadline_exceeded"}. */
  public String protocolName() {
    return protocolName;
  }

  /**
   * Maps an HTTP status code to a span status: below 400 is {@link #OK}; the codes Sentry names
   * map to their status; any other 4xx is {@link #INVALID_ARGUMENT} and any other 5xx
   * {@link #INTERNAL_ERROR}. Codes outside 100–599 are {@link #UNKNOWN}.
   */
  public static SpanStatus fromHttpStatus(int code) {
    if (code < 100 || code > 599) return UNKNOWN;
    if (code < 400) return OK;
    switch (code) {
      case 400: return INVALID_ARGUMENT;
      case 401: return UNAUTHENTICATED;
      case 403: return PERMISSION_DENIED;
      case 404: return NOT_FOUND;
      case 409: return ALREADY_EXISTS;
      case 413: return FAILED_PRECONDITION;
      case 429: return RESOURCE_EXHAUSTED;
      case 499: return CANCELLED;
      case 500: return INTERNAL_ERROR;
      case 501: return UNIMPLEMENTED;
      case 503: return UNAVAILABLE;
      case 504: return DEADLINE_EXCEEDED;
      default: return code < 500 ? INVALID_ARGUMENT : INTERNAL_ERROR;
    }
  }

  /** Parses a wire name; unknown or null names give {@link #UNKNOWN}. Accepts {@code unknown_error}. */
  public static SpanStatus fromProtocolName(String name) {
    if (name == null) return UNKNOWN;
    SpanStatus s = Lookup.MAP.get(name);
    return s == null ? UNKNOWN : s; // "unknown_error" too
  }

  /**
   * A status name as received by ingestion: missing or empty is {@link #OK} (Sentry's default),
   * names are case-insensitive, {@code error} is {@link #INTERNAL_ERROR} and unknown names
   * {@link #UNKNOWN}.
   */
  public static SpanStatus normalize(String name) {
    if (name == null || name.isEmpty()) return OK;
    SpanStatus s = Lookup.MAP.get(name);
    if (s != null) return s;
    String lower = name.toLowerCase(Locale.ROOT);
    return "error".equals(lower) ? INTERNAL_ERROR : fromProtocolName(lower);
  }

  /** The status of a gRPC status code (0 is {@link #OK}); codes outside 0-16 are {@link #UNKNOWN}. */
  public static SpanStatus fromGrpcCode(int code) {
    SpanStatus[] all = Lookup.VALUES;
    return code >= 0 && code < all.length ? all[code] : UNKNOWN;
  }

  /** Statuses by protocol name and by ordinal, built once (values() copies its array on every call). */
  private static final class Lookup {
    static final Map<String, SpanStatus> MAP = new HashMap<>();
    static final SpanStatus[] VALUES = values();

    static {
      for (SpanStatus s : VALUES) MAP.put(s.protocolName, s);
    }
  }

  /** Whether Sentry's failure rate counts this status as a failure. */
  public boolean isFailure() {
    return this != OK && this != CANCELLED && this != UNKNOWN;
  }
}
