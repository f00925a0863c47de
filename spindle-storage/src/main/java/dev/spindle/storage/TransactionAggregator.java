package dev.spindle.storage;

import java.util.List;

/** Aggregates transactions (segment rows) for the performance views. */
public interface TransactionAggregator {
  /** One summary per transaction name, busiest (highest count) first, at most {@code q.limit()}. */
  List<TransactionSummary> summarize(SummaryQuery q);

  /**
   * A time series over the query's period in buckets of {@code intervalUs}, aligned to multiples
   * of the interval since the epoch; every bucket is present, empty ones with zeros.
   */
  List<TimeBucket> timeseries(SummaryQuery q, long intervalUs);
}
