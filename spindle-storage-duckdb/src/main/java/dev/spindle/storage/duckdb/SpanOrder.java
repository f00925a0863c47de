package dev.spindle.storage.duckdb;

import dev.spindle.storage.SpanRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which a load appends its spans, chosen for DuckDB's compression: the rows of a
 * trace together (in the order its first span came), within it those of a transaction together,
 * within that the children of one parent together (roots first), then by start.
 *
 * <p>DuckDB compresses each column segment with the smallest of its lightweight methods; run-length
 * encoding stores one value per run of equal values. So consecutive rows of one trace store its
 * 16-byte trace id once, and siblings store their parent's random 8-byte id once instead of once
 * each (BENCHMARKS.md, "Disk per span"). No query depends on the order of rows.
 */
final class SpanOrder {
  private SpanOrder() {}

  private static final Comparator<String> PARENT = Comparator.nullsFirst(Comparator.naturalOrder());

  static List<SpanRow> of(List<SpanRow> spans) {
    Map<String, Integer> traces = new HashMap<>();
    Map<Segment, Integer> segments = new HashMap<>();
    List<Keyed> keyed = new ArrayList<>(spans.size());
    for (SpanRow r : spans) {
      int trace = traces.computeIfAbsent(r.traceId(), k -> traces.size());
      int segment = segments.computeIfAbsent(new Segment(r.traceId(), r.segmentId()), k -> segments.size());
      keyed.add(new Keyed(trace, segment, r));
    }
    keyed.sort(Comparator.comparingInt(Keyed::trace).thenComparingInt(Keyed::segment)
        .thenComparing(k -> k.row().parentSpanId(), PARENT).thenComparingLong(k -> k.row().startUs()));
    List<SpanRow> ordered = new ArrayList<>(keyed.size());
    for (Keyed k : keyed) ordered.add(k.row());
    return ordered;
  }

  private record Segment(String traceId, String segmentId) {}

  private record Keyed(int trace, int segment, SpanRow row) {}
}
