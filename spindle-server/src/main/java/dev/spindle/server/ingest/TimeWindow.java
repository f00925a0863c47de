package dev.spindle.server.ingest;

/**
 * The one rule for when a span may have happened, used by every mapper: its start no more than
 * {@value #MAX_AGE_DAYS} days before the request was received (Relay's {@code max_secs_in_past};
 * older data would fall out of retention at once) and its end no more than {@value #MAX_AHEAD_DAYS}
 * day after it (Relay allows 60 s but corrects SDK clocks by {@code sent_at}; Spindle does not, so
 * a skewed clock is tolerated up to a day). Spans outside are refused, not clamped: moving one span
 * of a trace would misplace it among its neighbours.
 */
final class TimeWindow {
  static final int MAX_AGE_DAYS = 30;
  static final int MAX_AHEAD_DAYS = 1;
  /** The outcome reason of a span refused by this rule (Relay's {@code timestamp} discard reason). */
  static final String OUTCOME = "timestamp";
  /** What a span refused by this rule did. */
  static final String REFUSED = "starts more than " + MAX_AGE_DAYS + " days before or ends more than "
      + MAX_AHEAD_DAYS + " day after it was received";

  private static final long DAY_US = 86_400_000_000L;

  private TimeWindow() {}

  /** Whether a span from {@code startUs} to {@code endUs} received at {@code nowUs} is accepted. */
  static boolean accepts(long startUs, long endUs, long nowUs) {
    return refusal(startUs, endUs, nowUs) == null;
  }

  /** Null when a span from {@code startUs} to {@code endUs} received at {@code nowUs} is accepted, else why not. */
  static String refusal(long startUs, long endUs, long nowUs) {
    if (startUs < nowUs - MAX_AGE_DAYS * DAY_US) return "starts more than " + MAX_AGE_DAYS + " days before it was received";
    if (endUs > nowUs + MAX_AHEAD_DAYS * DAY_US) return "ends more than " + MAX_AHEAD_DAYS + " day after it was received";
    return null;
  }
}
