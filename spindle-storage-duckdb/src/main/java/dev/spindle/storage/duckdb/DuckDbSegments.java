package dev.spindle.storage.duckdb;

import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * Span assembly's storage side: segments are assigned by one {@code UPDATE ... FROM (VALUES ...)}
 * per chunk of rows, in one transaction, after the ingest log's acknowledged batches are loaded
 * (the spans it changes are in the table then). The update is bounded to the rows' start times,
 * so DuckDB skips the row groups outside them.
 */
final class DuckDbSegments implements SegmentStore {
  /** Rows per statement: 10 parameters each, well under DuckDB's limits. */
  private static final int CHUNK = 500;
  private static final String ROW = "(CAST(? AS BIGINT), CAST(? AS UUID), CAST(? AS UBIGINT), CAST(? AS UUID),"
      + " CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
      + " CAST(? AS VARCHAR))";

  private final DuckDBConnection writes;
  private final Object writeLock;
  private final BatchWriter writer;
  private final DuckDbQueries.ConnectionSource reads;

  DuckDbSegments(DuckDBConnection writes, Object writeLock, BatchWriter writer, DuckDbQueries.ConnectionSource reads) {
    this.writes = writes;
    this.writeLock = writeLock;
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void assign(List<SpanRow> rows) {
    if (rows.isEmpty()) return;
    writer.awaitVisible();
    synchronized (writeLock) {
      try {
        Transactions.run(writes, () -> {
          for (int from = 0; from < rows.size(); from += CHUNK) {
            update(rows.subList(from, Math.min(rows.size(), from + CHUNK)));
          }
          // a span's service may have changed: its calls are classified again
          CallRollup.mark(writes, rows);
        });
      } catch (SQLException e) {
        throw new StorageException("segment assignment failed: " + e.getMessage(), e);
      }
    }
  }

  private void update(List<SpanRow> rows) throws SQLException {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (SpanRow r : rows) {
      min = Math.min(min, r.startUs());
      max = Math.max(max, r.startUs());
    }
    String sql = "UPDATE spans SET segment_id = v.segment_id, transaction = v.transaction,"
        + " transaction_source = v.transaction_source, transaction_op = v.transaction_op,"
        + " service = v.service, release = v.release, environment = v.environment"
        + " FROM (VALUES " + String.join(", ", Collections.nCopies(rows.size(), ROW))
        + ") AS v(project_id, trace_id, span_id, segment_id, transaction, transaction_source,"
        + " transaction_op, service, release, environment)"
        + " WHERE spans.start_us >= ? AND spans.start_us <= ?"
        + " AND spans.trace_id = v.trace_id AND spans.span_id = v.span_id AND spans.project_id = v.project_id";
    try (PreparedStatement ps = writes.prepareStatement(sql)) {
      int i = 1;
      for (SpanRow r : rows) {
        ps.setLong(i++, r.projectId());
        ps.setString(i++, r.traceId());
        ps.setString(i++, Long.toUnsignedString(Long.parseUnsignedLong(r.spanId(), 16)));
        ps.setString(i++, r.segmentId());
        ps.setString(i++, r.transaction());
        ps.setString(i++, r.transactionSource());
        ps.setString(i++, r.transactionOp());
        ps.setString(i++, r.service());
        ps.setString(i++, r.release());
        ps.setString(i++, r.environment());
      }
      ps.setLong(i++, min);
      ps.setLong(i, max);
      ps.executeUpdate();
    }
  }

  @Override
  public List<SpanRow> unassembled(long sinceUs, int maxRows) {
    String sql = "SELECT " + Schema.SPAN_COLUMNS + " FROM spans WHERE trace_id IN (SELECT trace_id FROM spans"
        + " WHERE start_us >= ? AND NOT is_segment AND segment_id IS NULL)"
        + " ORDER BY trace_id, start_us, span_id LIMIT ?";
    List<SpanRow> out = new ArrayList<>();
    try (Connection c = reads.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, sinceUs);
      ps.setInt(2, maxRows);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(DuckDbQueries.span(rs));
      }
    } catch (SQLException e) {
      throw new StorageException("unassembled spans query failed: " + e.getMessage(), e);
    }
    return out;
  }
}
