package dev.spindle.storage;

import java.util.List;

/** Finds traces. */
public interface TraceSearch {
  /** The matching traces, in the query's order, at most {@code q.limit()}. */
  List<TraceSummary> search(TraceQuery q);
}
