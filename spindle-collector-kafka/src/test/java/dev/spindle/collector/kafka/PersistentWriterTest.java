package dev.spindle.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The writer role's delivery: retried while storage is down, a record only it refuses is skipped. */
class PersistentWriterTest {
  private static PersistentWriter.Item item(String where, String traceId) {
    SpanRow r = SpanRow.builder().projectId(1).traceId(traceId).spanId("a".repeat(16)).startUs(1).endUs(2).build();
    return new PersistentWriter.Item(where, WriteBatch.ofSpans(List.of(r)));
  }

  @Test
  void unreachableStorageIsRetriedAndNothingIsSkipped() {
    AtomicInteger calls = new AtomicInteger();
    List<Long> sleeps = new ArrayList<>();
    List<WriteBatch> written = new ArrayList<>();
    PersistentWriter w = new PersistentWriter(b -> {
      if (calls.incrementAndGet() <= 6) throw new StorageException("down", new IOException("connection refused"));
      written.add(b);
    }, () -> false, sleeps::add);
    assertTrue(w.writeAll(List.of(item("t/0@1", "a".repeat(32)), item("t/0@2", "b".repeat(32)))));
    assertEquals(1, written.size(), "written at last, as one batch");
    assertEquals(2, written.get(0).spans().size());
    assertEquals(0, w.skipped());
    assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L), sleeps);
  }

  @Test
  void aRecordTheStorageRefusesIsSkippedAndTheOthersAreWritten() {
    String bad = "f".repeat(32);
    List<String> stored = new ArrayList<>();
    PersistentWriter w = new PersistentWriter(b -> {
      if (b.spans().stream().anyMatch(s -> s.traceId().equals(bad))) throw new StorageException("Code: 53, type mismatch");
      b.spans().forEach(s -> stored.add(s.traceId()));
    }, () -> false, ms -> { });
    assertTrue(w.writeAll(List.of(item("t/0@1", "a".repeat(32)), item("t/0@2", bad), item("t/0@3", "b".repeat(32)))));
    assertEquals(List.of("a".repeat(32), "b".repeat(32)), stored);
    assertEquals(1, w.skipped());
    assertEquals(2, w.rowsWritten());
  }

  @Test
  void stopsWhenClosed() {
    PersistentWriter w = new PersistentWriter(b -> {
      throw new StorageException("down", new IOException("refused"));
    }, () -> true, ms -> { });
    assertFalse(w.writeAll(List.of(item("t/0@1", "a".repeat(32)))));
  }
}
