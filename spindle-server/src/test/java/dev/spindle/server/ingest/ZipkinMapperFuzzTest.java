package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestContract.NOW_US;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes as Zipkin v2 spans, JSON and proto3, through {@link ZipkinMapper} with PII
 * scrubbing on: a batch the write path can encode, or a 400 refusal. Seeds: messages sent by
 * Brave with zipkin-reporter in both encodings.
 */
class ZipkinMapperFuzzTest {
  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void proto3(byte[] body) {
    IngestContract.assertMappedOrMalformed(() -> ZipkinMapper.map(ZipkinMapper.parseProto3(body), 1, true, NOW_US, TransactionNames.FIXED));
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void json(byte[] body) {
    IngestContract.assertMappedOrMalformed(() -> ZipkinMapper.map(ZipkinMapper.parseJson(body), 1, true, NOW_US, TransactionNames.FIXED));
  }
}
