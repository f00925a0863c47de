package dev.spindle.protocol;

import dev.spindle.protocol.internal.EnvelopeReader;
import dev.spindle.protocol.internal.EnvelopeTooLargeException;
import dev.spindle.protocol.internal.MalformedEnvelopeException;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes as a Sentry envelope: the reader returns items that are slices of the input, or
 * refuses with its own {@link MalformedEnvelopeException} / {@link EnvelopeTooLargeException};
 * never another exception. Seeds: {@code EnvelopeReaderFuzzTestInputs/} (see docs/fuzzing.md).
 */
class EnvelopeReaderFuzzTest {
  /** Small limits, so the fuzzer reaches the too-large refusals. */
  private static final EnvelopeReader READER = new EnvelopeReader(16, 4096);

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void read(byte[] data) {
    EnvelopeReader.Parsed env;
    try {
      env = READER.read(data);
      env.header("dsn");
      env.header("event_id");
    } catch (MalformedEnvelopeException | EnvelopeTooLargeException refused) {
      assertFalse(refused.getMessage().isEmpty());
      return;
    }
    assertTrue(env.items().size() <= 16);
    for (EnvelopeReader.Item item : env.items()) {
      assertFalse(item.type().isEmpty());
      assertTrue(item.offset() >= 0 && item.length() >= 0 && item.length() <= 4096);
      assertTrue(item.offset() + item.length() <= data.length, "the payload is a slice of the input");
      try {
        item.contentType();
      } catch (MalformedEnvelopeException notAString) {
        // a refusal the server answers with 400
      }
    }
  }
}
