package dev.spindle.storage;

import dev.spindle.protocol.internal.Ids;
import java.util.Set;

/**
 * Which traces to judge.
 *
 * @param projectId one project, or {@code null} for all: a trace belongs to a project when one of
 *                  its spans does; the verdict reads the trace's spans of every project
 * @param startUs   inclusive lower bound on the end of a span of the trace, microseconds
 * @param endUs     exclusive upper bound on the same
 * @param traceIds  only these traces (32 lowercase hex), or empty for every trace in the period
 * @param kind      only traces with this finding ({@link TraceVerdict#kinds()}), or {@code null}
 * @param limit     the most verdicts returned, newest trace end first, {@code > 0}
 */
public record VerdictQuery(Long projectId, long startUs, long endUs, Set<String> traceIds, TraceVerdict.Kind kind,
    int limit) {
  /** The most trace ids a query may name. */
  public static final int MAX_TRACE_IDS = 1000;

  public VerdictQuery {
    traceIds = Set.copyOf(traceIds);
    for (String id : traceIds) Ids.check(id, 32, "traceId");
    if (traceIds.size() > MAX_TRACE_IDS) {
      throw new IllegalArgumentException("traceIds: " + traceIds.size() + " (expected: at most " + MAX_TRACE_IDS + ")");
    }
    if (endUs <= startUs) throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    if (limit <= 0) throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
  }
}
