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
 * @param replayKey   where the row was read from when its source may deliver it again (the Kafka
 *                    writer: the record's topic, partition and offset and the row's place in it),
 *                    so that storage counts a replayed copy once; empty when it has no such source
 */
public record ClientReportRow(long projectId, long timestampUs, String reason, String category,
    long quantity, String replayKey) {

  public ClientReportRow {
    requireNonNull(reason, "reason");
    requireNonNull(category, "category");
    requireNonNull(replayKey, "replayKey");
    if (quantity < 0) throw new IllegalArgumentException("quantity: " + quantity + " (expected: >= 0)");
  }

  /** A row without a replay key. */
  public ClientReportRow(long projectId, long timestampUs, String reason, String category, long quantity) {
    this(projectId, timestampUs, reason, category, quantity, "");
  }

  /** This row with the given replay key. */
  public ClientReportRow withReplayKey(String key) {
    return new ClientReportRow(projectId, timestampUs, reason, category, quantity, key);
  }
}
