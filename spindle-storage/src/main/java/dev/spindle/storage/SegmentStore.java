package dev.spindle.storage;

import java.util.List;

/**
 * What span assembly ({@code dev.spindle.storage.write.SpanAssembler}) needs of a storage: to give
 * spans written earlier the segment found for them later, and to find after a restart the spans
 * still waiting for one.
 */
public interface SegmentStore {
  /**
   * Gives each span written earlier through {@link Storage#writer()} with a row's project, trace
   * and span id that row's {@link SpanRow#segmentId()}, {@link SpanRow#transaction()},
   * {@link SpanRow#transactionSource()}, {@link SpanRow#transactionOp()}, {@link SpanRow#service()},
   * {@link SpanRow#release()} and {@link SpanRow#environment()}; every read afterwards sees the
   * span with them, once. Durable on return. The rows are otherwise the stored ones.
   *
   * @throws StorageException when it could not be done (some rows may have been)
   */
  void assign(List<SpanRow> rows);

  /**
   * Every span of each trace that has an unassembled span ({@link SpanRow#assembled()} false)
   * started at or after {@code sinceUs}: at most {@code maxRows} rows, whole traces first.
   */
  List<SpanRow> unassembled(long sinceUs, int maxRows);
}
