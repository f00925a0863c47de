package dev.spindle.storage;

/**
 * The child spans of one operation within a set of transactions.
 *
 * @param op               the operation ({@code db.query}, {@code http.client}...), or {@code null}
 * @param spanCount        how many spans
 * @param transactionCount how many of the transactions have at least one such span
 * @param totalMs          the summed duration of the spans
 * @param p95Ms            the 95th percentile of one span's duration
 * @param shareOfTime      {@code totalMs} over the summed duration of all matching transactions
 */
public record SpanOpSummary(String op, long spanCount, long transactionCount, double totalMs,
    double p95Ms, double shareOfTime) {}
