package dev.spindle;

import dev.spindle.protocol.SpanStatus;
import java.time.Instant;

/**
 * One unit of work: a function call, a query, a call to another service. Spans form a tree whose
 * root is a {@link Transaction}. All methods are safe to call from any thread, never throw, and
 * are no-ops once the span is finished.
 *
 * <p>A span that is not recorded (its transaction was not sampled, or tracing is off) still
 * carries a trace id and a span id, so that propagation keeps working downstream.
 */
public interface Span {
  /** The 32-hex trace id shared by every span of the trace. */
  String traceId();

  /** This span's 16-hex id. */
  String spanId();

  /** The id of the parent span, or null for the root of a trace. */
  String parentSpanId();

  /**
   * The sampling decision of this span's trace: true or false, or null when it is deferred
   * (tracing without performance, continuing a trace that had no decision).
   */
  Boolean sampled();

  /** True when this span records data that will be sent. */
  boolean isRecording();

  /** The short category of work, such as {@code http.client} or {@code db.query}. */
  String operation();

  String description();

  /**
   * Starts a child span that begins now. The child of a span that is not recording is itself not
   * recording and costs almost nothing.
   */
  Span startChild(String operation, String description);

  /**
   * Starts a child span that began at {@code startTimestamp}, to record work after the fact (time
   * spent in a queue, the phases of a call reported by a client library); null is now. Finish it
   * with {@link #finish(Instant)} to give its end as well.
   */
  Span startChild(String operation, String description, Instant startTimestamp);

  /** Same as {@link #startChild(String, String)} with no description. */
  default Span startChild(String operation) {
    return startChild(operation, null);
  }

  Span setOperation(String operation);

  /**
   * Who created the span: {@code manual} (the default) or
   * {@code auto.<category>.<integration>[.<part>]}, e.g. {@code auto.http.okhttp}.
   */
  Span setOrigin(String origin);

  /** The origin set, or null for {@code manual}. */
  String origin();

  /**
   * True only for the span returned when nothing is current: integrations can skip their work.
   * Non-recording spans of unsampled traces are not no-op: they still propagate.
   */
  default boolean isNoop() {
    return false;
  }

  Span setDescription(String description);

  Span setStatus(SpanStatus status);

  /** The status set so far, or null when none was set. */
  SpanStatus status();

  /** A tag: an indexed, searchable string. Null values remove the tag. */
  Span setTag(String key, String value);

  /** Arbitrary data: strings, numbers, booleans, lists and maps of those. */
  Span setData(String key, Object value);

  /** Records the throwable that made this span fail; status becomes internal_error if unset. */
  Span setThrowable(Throwable throwable);

  /** Ends the span now, keeping its status ({@link SpanStatus#OK} when none was set). */
  void finish();

  /** Sets the status, then ends the span now. */
  void finish(SpanStatus status);

  /**
   * Ends the span at {@code endTimestamp} (null: now), keeping its status. An end before the
   * span's start is taken as its start.
   */
  void finish(Instant endTimestamp);

  boolean isFinished();

  /**
   * Makes this span the current one on this thread until the returned scope is closed:
   * {@code try (Scope s = span.makeCurrent()) { ... }}.
   */
  Scope makeCurrent();

  /** The transaction this span belongs to; a transaction returns itself. */
  Transaction transaction();
}
