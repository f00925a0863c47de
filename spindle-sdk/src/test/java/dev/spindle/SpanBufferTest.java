package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
      SpanBuffer buffer = new SpanBuffer();
      List<RecordingSpan> added = new ArrayList<>();
      for (int i = 0; i < 32 * 9 + 5; i++) { // past the first chunk and the first growth of the index
        RecordingSpan s = new RecordingSpan(tx, tx, "op" + i, null, i);
        buffer.add(s);
        added.add(s);
      }
      assertEquals(added.size(), buffer.size());
      List<RecordingSpan> seen = new ArrayList<>();
      buffer.forEach(seen::add);
      assertEquals(added.size(), seen.size());
      for (int i = 0; i < added.size(); i++) assertSame(added.get(i), seen.get(i));
    }
  }
}
