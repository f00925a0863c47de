package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Span assembly's storage side: an assigned span is written again whole. The span table is a
 * ReplacingMergeTree keyed by trace, project and span id, so the later copy replaces the first
 * for every read with {@code FINAL} and trace reads keep the assembled copy; no mutation.
 */
final class ClickHouseSegments implements SegmentStore {
  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;
  private final SpanWriter writer;

  ClickHouseSegments(ClickHouseHttp http, ClickHouseSchema schema, SpanWriter writer) {
    this.http = http;
    this.schema = schema;
    this.writer = writer;
  }

  @Override
  public void assign(List<SpanRow> rows) {
    writer.write(WriteBatch.ofSpans(rows));
  }

  @Override
  public List<SpanRow> unassembled(long sinceUs, int maxRows) {
    // The IN subquery names the local table: on a cluster each shard answers for its traces.
    Sql sql = new Sql("SELECT " + ClickHouseQueries.SPAN_COLUMNS + " FROM " + schema.table("spans")
        + " FINAL WHERE trace_id IN (SELECT trace_id FROM " + schema.local("spans")
        + " FINAL WHERE start_time >= toDateTime(").num(Math.max(0, Math.floorDiv(sinceUs, 1_000_000L)))
        .sql(") AND start_us >= ").num(sinceUs)
        .sql(" AND is_segment = 0 AND isNull(segment_id)) ORDER BY trace_id, start_us, span_id LIMIT ")
        .num(maxRows);
    List<SpanRow> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) out.add(ClickHouseQueries.span(r));
    return out;
  }
}
