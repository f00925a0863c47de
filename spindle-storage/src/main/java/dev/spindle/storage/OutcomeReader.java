package dev.spindle.storage;

import java.util.List;

/** Reads the totals of client reports and server-side drops. */
public interface OutcomeReader {
  /** Totals by project, reason and category for reports in [startUs, endUs); {@code projectId} null = all. */
  List<Outcome> outcomes(Long projectId, long startUs, long endUs);
}
