package dev.spindle.server.ingest;

/**
 * The one rule for when a span may have happened, used by every mapper: its start no more than
 * {@link #MAX_AGE_US 30 days} before the request was received (Relay's {@code max_secs_in_past};
 * older data would fall out of retention at once) and its end no more than {@link #MAX_AHEAD_US one
 * day} after it (Relay allows 60 s but corrects SDK clocks by {@code sent_at}; Spindle does not, so
 * a skewed clock is tolerated up to a day). Spans outside are refused, not clamped: moving one span
 * of a trace would misplace it among its neighbours.
 */
final class TimeWindow {
  static final long MAX_AGE_US = 30L * 86_400_000_000L;
  static final long MAX_AHEAD_US = 86_400_000_000L;
  /** The outcome reason of a span refused by this rule (Relay's {@code timestamp} discard reason). */
  static final String OUTCOME = "timestamp";

  private TimeWindow() {}

  /** Null when a span from {@code startUs} to {@code endUs} received at {@code nowUs} is accepted, else why not. */
  static String refusal(long startUs, long endUs, long nowUs) {
    if (startUs < nowUs - MAX_AGE_US) return "starts more than 30 days before it was received";
    if (endUs > nowUs + MAX_AHEAD_US) return "ends more than 1 day after it was received";
    return null;
  }
}
