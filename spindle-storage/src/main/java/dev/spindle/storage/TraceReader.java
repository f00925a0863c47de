package dev.spindle.storage;

/** Reads one trace. */
public interface TraceReader {
  /**
   * Every span and error of the trace, spans ordered by start time (ties by span id).
   *
   * @param traceId   32 lowercase hex characters
   * @param projectId only this project's rows, or {@code null} for all projects
   * @return the trace; {@link TraceData#isEmpty() empty} when nothing is stored
   */
  TraceData trace(String traceId, Long projectId);
}
