package dev.spindle.benchmarks;

import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.time.Duration;

/**
 * A Spindle {@link Transport} that discards envelopes, counting them. Single-threaded use only
 * (JMH {@code threads 1}): {@link #send} is called on the thread that finishes the transaction.
 *
 * <p>Spindle hands a transaction to its transport as an envelope whose item is produced lazily:
 * the snapshot of the spans, {@code beforeSendTransaction} and the JSON run when the payload is
 * first needed, which for {@code HttpTransport} is on its sender thread, never on the thread that
 * finished the transaction. So:
 *
 * <ul>
 *   <li>without {@code serialize} this transport discards the envelope without producing it —
 *       like sentry-java's no-op transport and OpenTelemetry's discarding exporter, nothing is
 *       serialized, and nothing is serialized on the measured thread;
 *   <li>with {@code serialize} it writes each envelope to bytes with {@link Envelope#serialize},
 *       which runs the producer (snapshot and JSON) and then writes the envelope: the work
 *       {@code HttpTransport}'s sender thread does before gzip and the network, here done on the
 *       measured thread.
 * </ul>
 */
final class DiscardingTransport implements Transport {
  private final boolean serialize;
  long envelopes;
  long bytes;
  long lostEvents;
  /** The last envelope received, for the sanity tests. */
  Envelope last;
  /** The bytes of the last envelope serialized, for the sanity tests; null without serialize. */
  byte[] lastBytes;

  DiscardingTransport(boolean serialize) {
    this.serialize = serialize;
  }

  @Override
  public void send(Envelope envelope) {
    envelopes++;
    last = envelope;
    if (serialize) {
      lastBytes = envelope.serialize(null);
      bytes += lastBytes.length;
    }
  }

  @Override
  public boolean flush(Duration timeout) {
    return true;
  }

  @Override
  public void recordLostEvent(String reason, String category, long quantity) {
    lostEvents += quantity;
  }

  @Override
  public void close() {}
}
