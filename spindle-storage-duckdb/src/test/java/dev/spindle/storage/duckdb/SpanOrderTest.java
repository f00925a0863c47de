package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.SpanRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A load appends a trace's rows together, a transaction's together, siblings together. */
class SpanOrderTest {
  private static final String T1 = "0af7651916cd43dd8448eb211c80319c";
  private static final String T2 = "11111111111111111111111111111111";
  private static final String SEG_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String SEG_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  private static SpanRow span(String trace, String segment, String id, String parent, long start) {
    return SpanRow.builder().projectId(1).traceId(trace).segmentId(segment).spanId(id)
        .parentSpanId(parent).segment(parent == null).startUs(start).endUs(start + 1).build();
  }

  @Test
  void groupsTracesTransactionsAndSiblingsInTheOrderTheyCame() {
    SpanRow root = span(T1, SEG_A, "00000000000000a0", null, 100);
    SpanRow a1 = span(T1, SEG_A, "00000000000000a1", "00000000000000a0", 110);
    SpanRow a2 = span(T1, SEG_A, "00000000000000a2", "00000000000000a1", 120);
    SpanRow a3 = span(T1, SEG_A, "00000000000000a3", "00000000000000a0", 130);
    SpanRow other = span(T2, null, "00000000000000c0", "00000000000000ff", 50);
    SpanRow b0 = span(T1, SEG_B, "00000000000000b0", "00000000000000a2", 121);
    SpanRow b1 = span(T1, SEG_B, "00000000000000b1", "00000000000000b0", 122);
    SpanRow a4 = span(T1, SEG_A, "00000000000000a4", "00000000000000a1", 115);

    List<SpanRow> ordered = SpanOrder.of(List.of(b1, a1, root, a2, other, a3, b0, a4));

    // T1 came first: its transaction B (first seen) before A; within each, the root first, then
    // the children of one parent together, by start.
    assertEquals(List.of(b0, b1, root, a1, a3, a4, a2, other), ordered);
  }
}
