package dev.spindle.storage.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The assembler's own rules over a recording writer; the storage side is in the contract. */
@Timeout(10)
class SpanAssemblerTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String ROOT = "a0f067aa0ba902b7";
  private static final String CHILD = "00f067aa0ba902b7";
  private final List<SpanRow> written = new ArrayList<>();
  private final List<SpanRow> assigned = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000_000);

  private final SegmentStore store = new SegmentStore() {
    @Override
    public void assign(List<SpanRow> rows) {
      synchronized (assigned) {
        assigned.addAll(rows);
      }
    }

    @Override
    public List<SpanRow> unassembled(long sinceUs, int maxRows) {
      return List.of();
    }
  };

  private SpanAssembler assembler(long waitMs, int maxSpans) {
    return SpanAssembler.builder(b -> written.addAll(b.spans()), store)
        .waitMs(waitMs).maxSpans(maxSpans).clockMs(now::get).build();
  }

  private static SpanRow root(String traceId) {
    return SpanRow.builder().projectId(1).traceId(traceId).spanId(ROOT)
        .segmentId(ROOT + traceId.substring(16)).segment(true).transaction("GET /x")
        .startUs(0).endUs(10).build();
  }

  private static SpanRow child(String traceId) {
    return SpanRow.builder().projectId(1).traceId(traceId).spanId(CHILD).parentSpanId(ROOT)
        .startUs(1).endUs(2).build();
  }

  private static WriteBatch batch(SpanRow... rows) {
    return WriteBatch.ofSpans(List.of(rows));
  }

  @Test
  void aSpanWaitsNoLongerThanTheWaitAfterItsTraceWasLastWritten() {
    SpanAssembler a = assembler(1000, 100);
    a.write(batch(child(TRACE)));
    assertEquals(1, a.rememberedSpans());
    assertNull(written.get(0).transaction(), "written at once, as it came");
    now.addAndGet(1001);
    a.write(batch(root(TRACE)));
    assertTrue(assigned.isEmpty(), "forgotten: its root came too late");
    assertEquals(0, a.rememberedSpans(), "a lone root is not remembered");
  }

  @Test
  void memoryIsBoundedByForgettingTheOldestTraces() {
    SpanAssembler a = assembler(60_000, 10);
    for (int i = 1; i <= 25; i++) a.write(batch(child(String.format("%032x", i))));
    assertEquals(10, a.rememberedSpans());
    a.write(batch(root(String.format("%032x", 25))));
    assertEquals(1, assigned.size(), "the newest trace is still remembered");
    a.write(batch(root(String.format("%032x", 1))));
    assertEquals(1, assigned.size(), "the oldest is not");
  }

  @Test
  void aJoinWhileTheSpansOwnWriteIsUnderWayIsAssignedAfterIt() throws Exception {
    CountDownLatch inWrite = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SpanAssembler a = SpanAssembler.builder(b -> {
      if (b.spans().get(0).parentSpanId() == null) return;
      inWrite.countDown();
      try {
        assertTrue(release.await(5, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, store).build();
    Thread slow = new Thread(() -> a.write(batch(child(TRACE))));
    slow.start();
    assertTrue(inWrite.await(5, TimeUnit.SECONDS));
    a.write(batch(root(TRACE)));
    assertTrue(assigned.isEmpty(), "not before the child's own write returned");
    release.countDown();
    slow.join(5000);
    assertEquals(1, assigned.size());
    assertEquals("GET /x", assigned.get(0).transaction());
  }

  @Test
  void aRefusedBatchFailsAndItsRetryIsWrittenJoined() {
    boolean[] refuse = {true};
    SpanAssembler a = SpanAssembler.builder(b -> {
      if (refuse[0]) throw new StorageException("refused");
      written.addAll(b.spans());
    }, store).build();
    assertThrows(StorageException.class, () -> a.write(batch(child(TRACE))));
    refuse[0] = false;
    a.write(batch(root(TRACE)));
    a.write(batch(child(TRACE)));
    assertEquals("GET /x", written.get(1).transaction(), "the retried span is written joined");
  }
}
