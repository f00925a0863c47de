package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestException.Kind.MALFORMED;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.spindle.server.json.InvalidJsonException;
import dev.spindle.storage.WriteBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary bytes as an OTLP/HTTP export, protobuf and JSON, through {@link OtlpMapper} with PII
 * scrubbing on: a batch the write path can encode, or a 400 refusal. Seeds: exports of the
 * OpenTelemetry Java SDK (protobuf) and the OTLP/JSON encoding of the same spans.
 */
class OtlpMapperFuzzTest {
  private static final long NOW_US = 1_796_597_330_000_000L;

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void protobuf(byte[] body) {
    ingest(body, OtlpMapper::parseProtobuf);
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void json(byte[] body) {
    ingest(body, OtlpMapper::parseJson);
  }

  private static void ingest(byte[] body, Function<byte[], ExportTraceServiceRequest> parser) {
    OtlpMapper.Mapped mapped;
    try {
      mapped = OtlpMapper.map(parser.apply(body), 1, true, NOW_US);
    } catch (IngestException | InvalidJsonException refused) {
      ClientErrors.assertRefusal(refused, Set.of(MALFORMED));
      return;
    }
    ClientErrors.assertWritable(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
  }
}
