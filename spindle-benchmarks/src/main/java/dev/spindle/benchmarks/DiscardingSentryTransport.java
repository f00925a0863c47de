package dev.spindle.benchmarks;

import io.sentry.Hint;
import io.sentry.ISerializer;
import io.sentry.SentryEnvelope;
import io.sentry.transport.ITransport;
import io.sentry.transport.RateLimiter;
import java.io.OutputStream;

/**
 * A sentry-java transport that discards envelopes, counting them. sentry-java serializes an
 * envelope's items lazily, in the transport; when {@code serialize} is set this transport runs
 * sentry-java's own serializer over the whole envelope into a stream that only counts bytes (what
 * its HTTP transport does before gzip and the network). Without it, nothing is serialized: the
 * behaviour of {@code NoOpTransportFactory}.
 */
final class DiscardingSentryTransport implements ITransport {
  private final ISerializer serializer;
  private final boolean serialize;
  private final CountingStream out = new CountingStream();
  long envelopes;
  /** The last envelope received, for the sanity tests. */
  SentryEnvelope last;

  DiscardingSentryTransport(ISerializer serializer, boolean serialize) {
    this.serializer = serializer;
    this.serialize = serialize;
  }

  long bytes() {
    return out.count;
  }

  @Override
  public void send(SentryEnvelope envelope, Hint hint) {
    envelopes++;
    last = envelope;
    if (!serialize) return;
    try {
      serializer.serialize(envelope, out);
    } catch (Exception e) {
      throw new IllegalStateException("sentry-java could not serialize an envelope", e);
    }
  }

  @Override
  public void flush(long timeoutMillis) {}

  @Override
  public RateLimiter getRateLimiter() {
    return null;
  }

  @Override
  public void close(boolean isRestarting) {}

  @Override
  public void close() {}

  /** Counts bytes and keeps none. Closing it does nothing, so it can be reused. */
  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
