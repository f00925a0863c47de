package dev.spindle.storage;

import java.util.List;

/**
 * Which transactions (segment rows) to aggregate.
 *
 * @param projectId        one project, or {@code null} for all
 * @param startUs          inclusive lower bound on the transaction's end, microseconds
 * @param endUs            exclusive upper bound on the transaction's end, microseconds
 * @param filters          all must hold
 * @param apdexThresholdMs the Apdex T in milliseconds (Sentry's default is 300)
 * @param limit            the maximum number of rows, {@code > 0}
 */
public record SummaryQuery(Long projectId, long startUs, long endUs, List<Filter> filters,
    double apdexThresholdMs, int limit) {

  /** Sentry's default Apdex threshold: 300 ms. */
  public static final double DEFAULT_APDEX_MS = 300;

  public SummaryQuery {
    filters = filters == null ? List.of() : List.copyOf(filters);
    if (endUs <= startUs) throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    if (!(apdexThresholdMs > 0)) throw new IllegalArgumentException("apdexThresholdMs: " + apdexThresholdMs + " (expected: > 0)");
    if (limit <= 0) throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
  }
}
