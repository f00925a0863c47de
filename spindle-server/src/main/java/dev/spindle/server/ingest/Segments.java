package dev.spindle.server.ingest;

import dev.spindle.storage.SpanRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transactions (segments) of spans that arrive as loose spans, as OTLP and Zipkin send them: the
 * event id of a segment root, and each other span joined to the segment of its nearest ancestor in
 * the same request ({@link SpanRow#joinedTo}). A span whose ancestors are not in the request keeps
 * no segment here; span assembly ({@code SpanAssembler}, after the write path) joins it later.
 */
final class Segments {
  private Segments() {}

  /** The event id of the segment rooted at {@code spanId}: the span id, then the trace id's low half. */
  static String eventId(String traceId, String spanId) {
    return spanId + traceId.substring(16);
  }

  /**
   * {@code rows} in their order, each non-segment span joined to its nearest ancestor segment
   * among {@code rows}. Of rows with the same trace and span id, the last is kept.
   */
  static List<SpanRow> join(List<SpanRow> rows) {
    Map<String, SpanRow> byId = new LinkedHashMap<>();
    for (SpanRow r : rows) byId.put(r.traceId() + r.spanId(), r);
    List<SpanRow> out = new ArrayList<>(byId.size());
    for (SpanRow r : byId.values()) {
      SpanRow seg = r.segment() ? null : segmentOf(r, byId);
      out.add(seg == null ? r : r.joinedTo(seg));
    }
    return out;
  }

  private static SpanRow segmentOf(SpanRow r, Map<String, SpanRow> byId) {
    SpanRow cur = r;
    for (int hops = 0; cur.parentSpanId() != null && hops < 1000; hops++) {
      SpanRow p = byId.get(cur.traceId() + cur.parentSpanId());
      if (p == null || p.segment()) return p;
      cur = p;
    }
    return null;
  }
}
