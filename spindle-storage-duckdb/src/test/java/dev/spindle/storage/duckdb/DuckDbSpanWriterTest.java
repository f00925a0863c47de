package dev.spindle.storage.duckdb;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.SpanWriterContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB's writer: a batch is one fsync'ed ingest log record (all or nothing), loaded in one
 * transaction; DuckDB stores any row the SPI's records accept.
 */
class DuckDbSpanWriterTest extends SpanWriterContract {
  @TempDir Path dir;
  private DuckDbStorage storage;

  @BeforeEach
  void open() {
    storage = DuckDbStorage.open(dir.resolve("spindle.duckdb"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Override
  protected SpanWriter writer() {
    return storage.writer();
  }

  @Override
  protected WriteBatch stored(String traceId, int rows) {
    TraceData t = storage.traces().trace(traceId, null); // waits for acknowledged writes
    return t == null ? WriteBatch.ofSpans(List.of()) : new WriteBatch(t.spans(), t.errors(), List.of());
  }

  @Override
  protected Refusal refusal() {
    return Refusal.NONE;
  }
}
