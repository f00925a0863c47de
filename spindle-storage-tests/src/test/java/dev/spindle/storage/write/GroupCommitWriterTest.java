package dev.spindle.storage.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The group commit: one delegate write per group, and a failed group split batch by batch. */
@Timeout(30)
class GroupCommitWriterTest {
  private static WriteBatch batch(String op) {
    return WriteBatch.ofSpans(List.of(SpanRow.builder().traceId("0123456789abcdef0123456789abcdef")
        .spanId("0123456789abcdef").op(op).startUs(1).endUs(2).build()));
  }

  /** Blocks the first write until released, so the next batches queue up as one group. */
  private static final class GatedWriter implements dev.spindle.storage.SpanWriter {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> writes = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    @Override
    public void write(WriteBatch b) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (failure != null) throw failure;
      if (b.spans().stream().anyMatch(r -> "bad".equals(r.op()))) throw new StorageException("refused: bad row");
      writes.add(b.size());
    }
  }

  private static CompletableFuture<Void> async(GroupCommitWriter w, WriteBatch b) {
    return CompletableFuture.runAsync(() -> w.write(b));
  }

  private static void awaitPending(GroupCommitWriter w, long rows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (w.pendingRows() < rows) {
      assertTrue(System.nanoTime() < deadline, "rows did not queue");
      Thread.sleep(2);
    }
  }

  @Test
  void aRefusedBatchFailsOnlyItsOwnCaller() throws Exception {
    GatedWriter delegate = new GatedWriter();
    try (GroupCommitWriter w = GroupCommitWriter.builder(delegate).committers(1).build()) {
      CompletableFuture<Void> first = async(w, batch("a"));
      assertTrue(delegate.entered.await(10, TimeUnit.SECONDS));
      CompletableFuture<Void> good = async(w, batch("b"));
      CompletableFuture<Void> bad = async(w, batch("bad"));
      awaitPending(w, 3);
      delegate.release.countDown();
      first.get(10, TimeUnit.SECONDS);
      good.get(10, TimeUnit.SECONDS);
      ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
      assertEquals("refused: bad row", e.getCause().getMessage());
      assertEquals(List.of(1, 1), delegate.writes, "the first batch alone, then the good one alone");
      assertEquals(0, w.pendingRows());
    }
  }

  @Test
  void anUnreachableDelegateFailsTheWholeGroupWithItsError() throws Exception {
    GatedWriter delegate = new GatedWriter();
    RuntimeException down = new StorageException("down", new UncheckedIOException(new IOException("refused")));
    try (GroupCommitWriter w = GroupCommitWriter.builder(delegate).committers(1).build()) {
      CompletableFuture<Void> first = async(w, batch("a"));
      assertTrue(delegate.entered.await(10, TimeUnit.SECONDS));
      CompletableFuture<Void> b = async(w, batch("b"));
      CompletableFuture<Void> c = async(w, batch("c"));
      awaitPending(w, 3);
      delegate.failure = down;
      delegate.release.countDown();
      for (CompletableFuture<Void> f : List.of(first, b, c)) {
        assertSame(down, assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause());
      }
      assertEquals(0, w.pendingRows());
    }
  }
}
