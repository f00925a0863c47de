package dev.spindle.storage.duckdb;

import dev.spindle.storage.SpanRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

  private static final Comparator<SpanRow> SIBLINGS = Comparator
      .comparing(SpanRow::parentSpanId, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
      .thenComparingLong(SpanRow::startUs);

  static List<SpanRow> of(List<SpanRow> spans) {
    Map<String, Map<String, List<SpanRow>>> traces = new LinkedHashMap<>();
    for (SpanRow r : spans) {
      traces.computeIfAbsent(r.traceId(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.segmentId(), k -> new ArrayList<>()).add(r);
    }
    List<SpanRow> ordered = new ArrayList<>(spans.size());
    for (Map<String, List<SpanRow>> transactions : traces.values()) {
      for (List<SpanRow> rows : transactions.values()) {
        rows.sort(SIBLINGS);
        ordered.addAll(rows);
      }
    }
    return ordered;
  }
}
