package dev.spindle.storage.clickhouse;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.SpanWriterContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * ClickHouse's writer: one {@code INSERT} per table, each all or nothing; nothing spans the
 * tables, so a refused errors insert leaves the batch's spans written. A negative project id
 * ({@code UInt64}) is refused by the server.
 */
class ClickHouseSpanWriterTest extends SpanWriterContract {
  private static ClickHouseStorage storage;

  @BeforeAll
  static void open() {
    storage = ClickHouseStorage.builder(LocalClickHouse.url())
        .database("spindle_w_" + Long.toHexString(ProcessHandle.current().pid())).open();
  }

  @AfterAll
  static void drop() {
    if (storage != null) storage.dropAll();
  }

  @Override
  protected SpanWriter writer() {
    return storage.writer();
  }

  @Override
  protected WriteBatch stored(String traceId, int rows) {
    TraceData t = storage.traces().trace(traceId, null);
    return t == null ? WriteBatch.ofSpans(List.of()) : new WriteBatch(t.spans(), t.errors(), List.of());
  }

  @Override
  protected Refusal refusal() {
    return Refusal.PER_TABLE;
  }
}
