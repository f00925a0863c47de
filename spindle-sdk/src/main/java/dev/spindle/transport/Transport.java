package dev.spindle.transport;

import java.time.Duration;

/**
 * Delivers envelopes to a Sentry-compatible server. Implementations never block the caller of
 * {@link #send} and never throw from it.
 */
public interface Transport extends AutoCloseable {

  /**
   * Hands an envelope over for asynchronous delivery. Returns immediately. When the envelope
   * cannot be accepted (queue full, transport closed) it is dropped and, where it makes sense,
   * recorded as a lost event. Never throws.
   */
  void send(Envelope envelope);

  /**
   * Waits until every envelope handed over before this call has been handled (delivered, or
   * dropped and recorded) and pending client reports went out, or until {@code timeout} passes.
   *
   * @return true when everything was delivered or definitively handled and nothing is left
   *     waiting (in memory or in the disk spool); false on timeout or when envelopes remain
   *     undelivered because the server could not be reached
   */
  boolean flush(Duration timeout);

  /**
   * Records events the SDK discarded before they reached the transport, to be reported to the
   * server in the next client report. Reasons: see {@link DiscardReason}. Categories:
   * {@code transaction}, {@code span}, {@code error}, {@code default}. Never throws.
   */
  void recordLostEvent(String reason, String category, long quantity);

  /** Flushes for up to the configured shutdown timeout, then stops. Idempotent; never throws. */
  @Override
  void close();

  /** A transport that drops everything silently. */
  static Transport noop() {
    return NoopTransport.INSTANCE;
  }
}
