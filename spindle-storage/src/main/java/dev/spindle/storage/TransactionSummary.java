package dev.spindle.storage;

/**
 * Performance figures of one transaction name over a period, as Sentry defines them: durations in
 * milliseconds; {@code failureRate} is the share whose status is neither {@code ok},
 * {@code cancelled} nor {@code unknown}; {@code apdex} = (satisfied + tolerating / 2) / count with
 * satisfied ≤ T and tolerating ≤ 4T; {@code userMisery} = (miserable users + 5.8875) /
 * (unique users + 5.8875 + 111.8625), a miserable user having had a transaction slower than 4T;
 * {@code estimatedCount} = Σ 1 / sample rate; {@code tpm} = count per minute of the period.
 */
public record TransactionSummary(String transaction, long count, double estimatedCount, double tpm,
    double p50, double p75, double p95, double p99, double failureRate, double apdex,
    double userMisery) {}
