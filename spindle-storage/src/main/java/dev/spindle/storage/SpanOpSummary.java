package dev.spindle.storage;

/**
 * The child spans of one operation within a set of transactions.
 *
 * @param op               the operation ({@code db.query}, {@code http.client}...), or {@code null}
 * @param spanCount        how many spans
 * @param transactionCount how many of the transactions have at least one such span
 * @param totalMs          the summed duration of the spans
 * @param p95Ms            the 95th percentile of one span's duration
 * @param shareOfTime      the op's covered time (the union of its spans' intervals in each
 *                         transaction, see {@code Figures}) over the summed duration of all
 *                         matching transactions: in [0, 1] however many spans ran in parallel
 */
public record SpanOpSummary(String op, long spanCount, long transactionCount, double totalMs,
    double p95Ms, double shareOfTime) {}
