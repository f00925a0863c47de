package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.WriteBatchCodec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest log in front of DuckDB: what was logged but not loaded survives, exactly once. */
class LogLoaderTest {
  @TempDir Path dir;

  private static final String TRACE_A = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACE_B = "1af7651916cd43dd8448eb211c80319c";

  private static SpanRow span(String trace, String spanId) {
    return SpanRow.builder().projectId(1).traceId(trace).spanId(spanId)
        .segmentId("00f067aa0ba902b700f067aa0ba902b7").segment(true).transaction("GET /ü \"q\"")
        .startUs(1_000).endUs(2_000).tag("k", "v").dataJson("{\"a\":1}").sampleRate(0.5).build();
  }

  @Test
  void loggedButNotLoadedBatchesLandOnceOnOpen() throws Exception {
    Path file = dir.resolve("spindle.duckdb");
    try (DuckDbStorage s = DuckDbStorage.open(file)) {
      s.writer().write(WriteBatch.ofSpans(List.of(span(TRACE_A, "b7ad6b7169203331"))));
    }
    // As if the process died after acknowledging B (in the log) and before loading it.
    try (IngestLog log = new IngestLog(dir.resolve("spindle.duckdb.ingest"), IngestLog.SEGMENT_BYTES)) {
      log.replay(Long.MAX_VALUE, (p, e) -> { });
      log.append(WriteBatchCodec.encode(WriteBatch.ofSpans(List.of(span(TRACE_B, "c7ad6b7169203331")))));
    }
    for (int open = 0; open < 2; open++) {
      try (DuckDbStorage s = DuckDbStorage.open(file)) {
        assertEquals(List.of(span(TRACE_A, "b7ad6b7169203331")), s.traces().trace(TRACE_A, null).spans());
        assertEquals(List.of(span(TRACE_B, "c7ad6b7169203331")), s.traces().trace(TRACE_B, null).spans());
      }
    }
  }

  @Test
  void aReadSeesEveryWriteThatReturnedBeforeIt() {
    try (DuckDbStorage s = DuckDbStorage.open(dir.resolve("spindle.duckdb"))) {
      for (int i = 0; i < 50; i++) {
        String trace = String.format("%032x", i + 1);
        s.writer().write(WriteBatch.ofSpans(List.of(span(trace, String.format("%016x", i + 1)))));
        assertEquals(1, s.traces().trace(trace, null).spans().size(), trace);
      }
    }
  }
}
