package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestException.Kind.MALFORMED;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.spindle.server.json.InvalidJsonException;
import dev.spindle.storage.WriteBatch;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;
import zipkin2.Span;

/**
 * Arbitrary bytes as Zipkin v2 spans, JSON and proto3, through {@link ZipkinMapper} with PII
 * scrubbing on: a batch the write path can encode, or a 400 refusal. Seeds: messages sent by
 * Brave with zipkin-reporter in both encodings.
 */
class ZipkinMapperFuzzTest {
  private static final long NOW_US = 1_796_597_330_000_000L;

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void proto3(byte[] body) {
    ingest(body, ZipkinMapper::parseProto3);
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void json(byte[] body) {
    ingest(body, ZipkinMapper::parseJson);
  }

  private static void ingest(byte[] body, Function<byte[], List<Span>> parser) {
    OtlpMapper.Mapped mapped;
    try {
      mapped = ZipkinMapper.map(parser.apply(body), 1, true, NOW_US);
    } catch (IngestException | InvalidJsonException refused) {
      ClientErrors.assertRefusal(refused, Set.of(MALFORMED));
      return;
    }
    ClientErrors.assertWritable(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
  }
}
