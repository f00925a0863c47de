package dev.spindle.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary text as a DSN (the SDK's option, an envelope's {@code dsn} header): a {@link Dsn} or an
 * {@link IllegalArgumentException} of exactly that class; a parsed DSN answers
 * {@link Dsn#isIngestUrl} for the input's second line without throwing. Seeds: one file per DSN,
 * its optional second line a URL.
 */
class DsnFuzzTest {
  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void parse(byte[] data) {
    String text = new String(data, UTF_8);
    int nl = text.indexOf('\n');
    String dsnText = nl < 0 ? text : text.substring(0, nl);
    String url = nl < 0 ? null : text.substring(nl + 1);
    Dsn dsn;
    try {
      dsn = Dsn.parse(dsnText);
    } catch (IllegalArgumentException refused) {
      assertEquals(IllegalArgumentException.class, refused.getClass(), refused::toString);
      assertFalse(refused.getMessage().isEmpty());
      return;
    }
    assertFalse(dsn.publicKey().isEmpty());
    assertFalse(dsn.projectId().isEmpty());
    assertNotNull(dsn.envelopeUri());
    assertNotNull(dsn.otlpTracesUri());
    assertNotNull(dsn.authHeader("fuzz/1"));
    dsn.isIngestUrl(url);
  }
}
