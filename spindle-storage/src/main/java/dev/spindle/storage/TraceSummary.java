package dev.spindle.storage;

import java.util.List;

/**
 * One trace found by a search.
 *
 * @param traceId          the trace
 * @param rootTransaction  the name of the earliest transaction without a parent (or the earliest
 *                         transaction), or {@code null}
 * @param startUs          the earliest span start
 * @param endUs            the latest span end
 * @param spanCount        the number of stored spans
 * @param transactionCount the number of transactions (segments)
 * @param errorCount       the number of failed spans (status counted as failure)
 * @param projectIds       the projects it touches, ascending
 */
public record TraceSummary(String traceId, String rootTransaction, long startUs, long endUs,
    long spanCount, long transactionCount, long errorCount, List<Long> projectIds) {
  public TraceSummary {
    projectIds = List.copyOf(projectIds);
  }
}
