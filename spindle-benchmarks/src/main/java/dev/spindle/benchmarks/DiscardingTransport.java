package dev.spindle.benchmarks;

import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.time.Duration;

/**
 * A Spindle {@link Transport} that discards envelopes, counting them. When {@code serialize} is
 * set it first writes each envelope to bytes with {@link Envelope#serialize}, the work
 * {@code HttpTransport} does before gzip and the network. Single-threaded use only (JMH
 * {@code threads 1}): the transaction is sent on the thread that finishes it.
 */
final class DiscardingTransport implements Transport {
  private final boolean serialize;
  long envelopes;
  long bytes;
  long lostEvents;
  /** The last envelope received, for the sanity tests. */
  Envelope last;

  DiscardingTransport(boolean serialize) {
    this.serialize = serialize;
  }

  @Override
  public void send(Envelope envelope) {
    envelopes++;
    if (serialize) bytes += envelope.serialize(null).length;
    last = envelope;
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
