package dev.spindle.server.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary request bodies through {@link Bodies#read}, the decoding every ingestion request goes
 * through: the input's first byte picks the {@code Content-Encoding}, the rest is the body. The
 * result is at most the limit, or a 400/413/415 {@link ApiException}: no decompression bomb, no
 * other exception from a decoder. Seeds: a Sentry envelope in each encoding that has a seed.
 */
class BodiesFuzzTest {
  private static final List<String> ENCODINGS = List.of("identity", "gzip", "x-gzip", "deflate", "zstd", "br");
  private static final long LIMIT = 64 * 1024;

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void read(byte[] data) {
    if (data.length == 0) return;
    String encoding = ENCODINGS.get(Byte.toUnsignedInt(data[0]) % ENCODINGS.size());
    byte[] body;
    try {
      body = Bodies.read(new ByteArrayInputStream(data, 1, data.length - 1), encoding, LIMIT);
    } catch (ApiException refused) {
      assertTrue(Set.of(400, 413, 415).contains(refused.status()), refused::toString);
      return;
    }
    assertTrue(body.length <= LIMIT, () -> body.length + " bytes");
  }
}
