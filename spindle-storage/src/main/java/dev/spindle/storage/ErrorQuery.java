package dev.spindle.storage;

/**
 * Which error events to list.
 *
 * @param projectId   one project, or {@code null} for all
 * @param startUs     inclusive lower bound on the event time, microseconds
 * @param endUs       exclusive upper bound on the event time, microseconds
 * @param transaction only errors that happened in this transaction (exact name), or {@code null}
 * @param limit       the maximum number of events, {@code > 0}
 */
public record ErrorQuery(Long projectId, long startUs, long endUs, String transaction, int limit) {
  public ErrorQuery {
    if (endUs <= startUs) throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    if (limit <= 0) throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
  }
}
