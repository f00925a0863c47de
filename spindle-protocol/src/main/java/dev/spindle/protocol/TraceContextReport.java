package dev.spindle.protocol;

/**
 * The client-report outcome Spindle adds to Sentry's: trace headers ({@code sentry-trace},
 * {@code traceparent}) arrived but could not be read, so the trace they carried was not
 * continued. Sent by Spindle's SDK, read by the server as the propagation cause "rejected
 * headers".
 */
public final class TraceContextReport {
  /** The {@code reason} of the outcome. */
  public static final String INVALID_TRACE_HEADERS = "invalid_trace_headers";
  /** Its {@code category}: one incoming request's trace context. */
  public static final String TRACE_CONTEXT = "trace_context";

  private TraceContextReport() {}
}
