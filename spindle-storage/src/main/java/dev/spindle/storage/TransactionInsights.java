package dev.spindle.storage;

import java.util.List;

/**
 * Details behind the transaction summary view: how durations spread, where the time of the
 * transactions goes (their child spans by operation) and the error events around them.
 */
public interface TransactionInsights {
  /**
   * The durations of the transactions (segment rows) matching {@code q}, counted in
   * {@code buckets} equal-width buckets from the shortest to the longest; empty when none match.
   */
  List<HistogramBucket> histogram(SummaryQuery q, int buckets);

  /**
   * The child spans of the transactions matching {@code q}, grouped by operation, most total
   * time first, at most {@code q.limit()} operations.
   */
  List<SpanOpSummary> spanOps(SummaryQuery q);

  /** Error events matching {@code q}, newest first, at most {@code q.limit()}. */
  List<ErrorRow> errors(ErrorQuery q);
}
