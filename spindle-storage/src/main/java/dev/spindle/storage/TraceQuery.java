package dev.spindle.storage;

import java.util.List;

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
 */
public record TraceQuery(Long projectId, long startUs, long endUs, List<Filter> filters,
    Long minDurationUs, Long maxDurationUs, Sort sort, int limit) {

  /** Orders of trace search results. */
  public enum Sort { NEWEST, OLDEST, LONGEST, SHORTEST }

  public TraceQuery {
    filters = filters == null ? List.of() : List.copyOf(filters);
    sort = sort == null ? Sort.NEWEST : sort;
    if (endUs <= startUs) throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    if (limit <= 0) throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
  }
}
