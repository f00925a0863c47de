package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

/**
 * A count of discarded items: reported by an SDK ({@code client_report} items) or counted by the
 * server itself while processing (e.g. reason {@code invalid_timestamps}, category {@code span}).
 *
 * @param projectId   the owning project
 * @param timestampUs when it was reported, microseconds since the epoch
 * @param reason      why the items were dropped ({@code sample_rate}, {@code queue_overflow}...)
 * @param category    what was dropped ({@code transaction}, {@code span}, {@code error}...)
 * @param quantity    how many, {@code >= 0}
 */
public record ClientReportRow(long projectId, long timestampUs, String reason, String category,
    long quantity) {

  public ClientReportRow {
    requireNonNull(reason, "reason");
    requireNonNull(category, "category");
    if (quantity < 0) throw new IllegalArgumentException("quantity: " + quantity + " (expected: >= 0)");
  }
}
