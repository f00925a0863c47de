package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestContract.NOW_US;
import static dev.spindle.server.ingest.IngestException.Kind.MALFORMED;
import static dev.spindle.server.ingest.IngestException.Kind.TOO_LARGE;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.spindle.protocol.internal.EnvelopeReader;
import dev.spindle.server.json.InvalidJsonException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes as the body of {@code POST /api/<project>/envelope/}, through the handler's
 * framing and {@link SentryMapper} (transaction, event, span v1/v2, client_report and unknown
 * items), with PII scrubbing on: a batch the write path can encode, or a 400/413 refusal.
 * Seeds: envelopes sent by sentry-java 8 and the Spindle SDK, and one per item type.
 */
class SentryEnvelopeFuzzTest {
  /** The handler's item count; 64 KiB items (inputs reach that limit through an item's declared length). */
  private static final EnvelopeReader READER = new EnvelopeReader(EnvelopeHandler.MAX_ITEMS, 64 * 1024);

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void ingest(byte[] body) {
    EnvelopeHandler.Mapped mapped;
    try {
      mapped = EnvelopeHandler.map(EnvelopeHandler.frame(READER, body), 1, true, NOW_US, TransactionNames.FIXED);
    } catch (IngestException | InvalidJsonException refused) {
      IngestContract.assertRefusal(refused, Set.of(MALFORMED, TOO_LARGE));
      return;
    }
    IngestContract.assertWritable(mapped.batch());
  }
}
