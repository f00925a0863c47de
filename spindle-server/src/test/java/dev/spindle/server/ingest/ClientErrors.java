package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.server.json.InvalidJsonException;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.WriteBatchCodec;
import java.util.Set;

/** The fuzz targets' contract for ingestion: a batch the write path can encode, or a 4xx refusal. */
final class ClientErrors {
  private ClientErrors() {}

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
