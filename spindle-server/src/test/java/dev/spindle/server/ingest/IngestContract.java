package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestException.Kind.MALFORMED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.server.json.InvalidJsonException;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.WriteBatchCodec;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The ingestion fuzz targets' contract: a batch the write path can encode, or a 4xx refusal. */
final class IngestContract {
  /** The mappers' clock: a fixed instant, so that a finding replays the same way. */
  static final long NOW_US = 1_796_597_330_000_000L;

  private IngestContract() {}

  /** Fails unless {@code mapping} (OTLP or Zipkin) maps to an encodable batch or is refused as malformed. */
  static void assertMappedOrMalformed(Supplier<OtlpMapper.Mapped> mapping) {
    OtlpMapper.Mapped mapped;
    try {
      mapped = mapping.get();
    } catch (IngestException | InvalidJsonException refused) {
      assertRefusal(refused, Set.of(MALFORMED));
      return;
    }
    assertWritable(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
  }

  /** Fails unless {@code e} is a refusal answered with one of {@code kinds}' 4xx statuses, with a message. */
  static void assertRefusal(RuntimeException e, Set<IngestException.Kind> kinds) {
    if (e instanceof InvalidJsonException) {
      assertFalse(e.getMessage().isEmpty());
      return;
    }
    assertTrue(e instanceof IngestException, () -> "not a client error: " + e);
    IngestException refusal = (IngestException) e;
    assertTrue(kinds.contains(refusal.kind()), () -> "unexpected refusal " + refusal.kind() + ": " + e.getMessage());
    assertTrue(refusal.kind().status >= 400 && refusal.kind().status < 500, refusal.kind()::toString);
    assertFalse(e.getMessage().isEmpty());
  }

  /** Fails unless the write path's batch format carries every row of {@code batch}. */
  static void assertWritable(WriteBatch batch) {
    assertEquals(batch.size(), WriteBatchCodec.decode(WriteBatchCodec.encode(batch)).size());
  }
}
