package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanBufferTest {
  @Test
  void keepsEverySpanInOrderAcrossChunks() {
    try (Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setTransport(new CapturingTransport()))) {
      RecordingTransaction tx = (RecordingTransaction) tracer.startTransaction("t", "task");
      int n = 32 + 32 + 64 + 128 + 5; // into the fifth chunk
      SpanBuffer buffer = new SpanBuffer(1000);
      List<RecordingSpan> added = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RecordingSpan s = new RecordingSpan(tx, tx, "op" + i, null, i);
        buffer.set(i, s);
        added.add(s);
      }
      List<RecordingSpan> seen = new ArrayList<>();
      buffer.forEach(n, seen::add);
      assertEquals(added.size(), seen.size());
      for (int i = 0; i < added.size(); i++) assertSame(added.get(i), seen.get(i));
      assertNull(buffer.get(n), "a slot never set is empty");
      assertNull(buffer.get(999), "a chunk never made is empty");
    }
  }

  @Test
  void slotsOutOfOrderAndUpToTheCapacity() {
    try (Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setTransport(new CapturingTransport()))) {
      RecordingTransaction tx = (RecordingTransaction) tracer.startTransaction("t", "task");
      SpanBuffer buffer = new SpanBuffer(100); // chunks of 32, 32, then 36 slots
      RecordingSpan last = new RecordingSpan(tx, tx, "last", null, 0);
      RecordingSpan first = new RecordingSpan(tx, tx, "first", null, 0);
      buffer.set(99, last);
      buffer.set(0, first);
      assertSame(last, buffer.get(99));
      assertSame(first, buffer.get(0));
      List<RecordingSpan> seen = new ArrayList<>();
      buffer.forEach(100, seen::add);
      assertEquals(List.of(first, last), seen, "empty slots skipped");
      assertEquals(0, new SpanBuffer(0).capacity());
    }
  }

  @Test
  void chunkBoundaries() {
    assertEquals(0, SpanBuffer.chunkOf(0));
    assertEquals(0, SpanBuffer.chunkOf(31));
    assertEquals(1, SpanBuffer.chunkOf(32));
    assertEquals(1, SpanBuffer.chunkOf(63));
    assertEquals(2, SpanBuffer.chunkOf(64));
    assertEquals(3, SpanBuffer.chunkOf(128));
    assertEquals(32, SpanBuffer.chunkStart(1));
    assertEquals(64, SpanBuffer.chunkStart(2));
    assertEquals(1 << 30, SpanBuffer.chunkStart(26));
    assertEquals(26, SpanBuffer.chunkOf(Integer.MAX_VALUE));
  }
}
