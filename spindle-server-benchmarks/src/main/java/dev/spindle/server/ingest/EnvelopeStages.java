package dev.spindle.server.ingest;

import dev.spindle.protocol.internal.EnvelopeReader;
import dev.spindle.storage.WriteBatch;

/**
 * The envelope handler's steps one by one, for the stage profile ({@code Main stages}): framing
 * and mapping as {@link EnvelopeHandler} runs them. In the server's package, from the benchmark
 * jar, so that the server exposes nothing for it.
 */
public final class EnvelopeStages {
  private final EnvelopeReader reader = new EnvelopeReader(EnvelopeHandler.MAX_ITEMS, 1 << 20);

  /** The envelope's framing: items located, headers read. */
  public Object frame(byte[] body) {
    return EnvelopeHandler.frame(reader, body);
  }

  /** The framed envelope's rows, as project {@code projectId} (PII scrubbed) at {@code nowUs}. */
  public WriteBatch map(Object framed, long projectId, long nowUs) {
    return EnvelopeHandler.map((EnvelopeHandler.Framed) framed, projectId, true, nowUs, TransactionNames.FIXED).batch();
  }
}
