package dev.spindle.storage;

import dev.spindle.protocol.internal.Ids;
import java.util.List;
import java.util.Set;

/**
 * Which traces to find. A trace matches when one of its spans matches every filter and the time
 * range; durations are those of the whole trace (first start to last end).
 *
 * @param projectId     one project, or {@code null} for all
 * @param startUs       inclusive lower bound on span start, microseconds
 * @param endUs         exclusive upper bound on span start, microseconds
 * @param filters       all must hold on one span
 * @param minDurationUs the minimum trace duration, or {@code null}
 * @param maxDurationUs the maximum trace duration, or {@code null}
 * @param sort          the order of results
 * @param limit         the maximum number of traces, {@code > 0}
 * @param traceIds      only these traces (32 lowercase hex, at most {@link VerdictQuery#MAX_TRACE_IDS}),
 *                      or empty for any: how the trace list is filtered by verdict
 */
public record TraceQuery(Long projectId, long startUs, long endUs, List<Filter> filters,
    Long minDurationUs, Long maxDurationUs, Sort sort, int limit, Set<String> traceIds) {

  /** Orders of trace search results. */
  public enum Sort { NEWEST, OLDEST, LONGEST, SHORTEST }

  public TraceQuery {
    filters = filters == null ? List.of() : List.copyOf(filters);
    sort = sort == null ? Sort.NEWEST : sort;
    if (endUs <= startUs) throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    if (limit <= 0) throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
    traceIds = traceIds == null ? Set.of() : Set.copyOf(traceIds);
    for (String id : traceIds) Ids.check(id, 32, "traceId");
    if (traceIds.size() > VerdictQuery.MAX_TRACE_IDS) {
      throw new IllegalArgumentException("traceIds: " + traceIds.size() + " (expected: at most "
          + VerdictQuery.MAX_TRACE_IDS + ")");
    }
  }

  /** A query for any trace. */
  public TraceQuery(Long projectId, long startUs, long endUs, List<Filter> filters, Long minDurationUs,
      Long maxDurationUs, Sort sort, int limit) {
    this(projectId, startUs, endUs, filters, minDurationUs, maxDurationUs, sort, limit, Set.of());
  }
}
