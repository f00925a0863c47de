package dev.spindle.transport;

import java.time.Duration;

/** Drops everything. */
enum NoopTransport implements Transport {
  INSTANCE;

  @Override
  public void send(Envelope envelope) {}

  @Override
  public boolean flush(Duration timeout) {
    return true;
  }

  @Override
  public void recordLostEvent(String reason, String category, long quantity) {}

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Transport.noop()";
  }
}
