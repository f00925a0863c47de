package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestContract.NOW_US;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes as an OTLP/HTTP export, protobuf and JSON, through {@link OtlpMapper} with PII
 * scrubbing on: a batch the write path can encode, or a 400 refusal. Seeds: exports of the
 * OpenTelemetry Java SDK (protobuf) and the OTLP/JSON encoding of the same spans.
 */
class OtlpMapperFuzzTest {
  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void protobuf(byte[] body) {
    IngestContract.assertMappedOrMalformed(() -> OtlpMapper.map(OtlpMapper.parseProtobuf(body), 1, true, NOW_US, TransactionNames.FIXED));
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void json(byte[] body) {
    IngestContract.assertMappedOrMalformed(() -> OtlpMapper.map(OtlpMapper.parseJson(body), 1, true, NOW_US, TransactionNames.FIXED));
  }
}
