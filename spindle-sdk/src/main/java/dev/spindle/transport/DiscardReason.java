package dev.spindle.transport;

import dev.spindle.protocol.TraceContextReport;

/**
 * The {@code reason} strings of client reports, for {@link Transport#recordLostEvent}. These are
 * Sentry's wire values.
 */
public final class DiscardReason {
  /** Dropped by head sampling ({@code tracesSampleRate} / {@code tracesSampler}). */
  public static final String SAMPLE_RATE = "sample_rate";
  /** Dropped by a {@code beforeSend} / {@code beforeSendTransaction} callback. */
  public static final String BEFORE_SEND = "before_send";
  /** Dropped by an event processor. */
  public static final String EVENT_PROCESSOR = "event_processor";
  /** Child spans beyond a transaction's {@code maxSpans}, or started after it was sent. */
  public static final String BUFFER_OVERFLOW = "buffer_overflow";
  /** The in-memory queue or the disk spool was full. */
  public static final String QUEUE_OVERFLOW = "queue_overflow";
  /** The server's rate limit for the category was active. */
  public static final String RATELIMIT_BACKOFF = "ratelimit_backoff";
  /** The server could not be reached and the envelope could not be spooled. */
  public static final String NETWORK_ERROR = "network_error";
  /** The server rejected the envelope (4xx other than 429, including 413). */
  public static final String SEND_ERROR = "send_error";
  /** An internal SDK error. */
  public static final String INTERNAL_SDK_ERROR = "internal_sdk_error";
  /**
   * Trace headers ({@code sentry-trace}, {@code traceparent}) arrived but could not be read, so
   * the trace they carried was not continued. Spindle's own reason, counted in the category
   * {@link #TRACE_CONTEXT}; Spindle shows it as the propagation cause "rejected headers".
   */
  public static final String INVALID_TRACE_HEADERS = TraceContextReport.INVALID_TRACE_HEADERS;
  /** The category of {@link #INVALID_TRACE_HEADERS}: one incoming request's trace context. */
  public static final String TRACE_CONTEXT = TraceContextReport.TRACE_CONTEXT;

  private DiscardReason() {}
}
