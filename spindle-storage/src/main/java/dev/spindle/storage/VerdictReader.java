package dev.spindle.storage;

import java.util.List;

/**
 * Completeness verdicts of traces ({@link TraceVerdict}). They are judged when asked, from the
 * spans stored then (the same classification as the service map's), so a late span changes a
 * verdict the next time it is read.
 */
public interface VerdictReader {
  /** The verdicts of {@code q}'s traces, newest trace end first, at most {@code q.limit()}. */
  List<TraceVerdict> verdicts(VerdictQuery q);
}
