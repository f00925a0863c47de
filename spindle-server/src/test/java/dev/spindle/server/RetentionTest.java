package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.server.cli.Main;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.duckdb.DuckDbStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetentionTest {
  @TempDir Path dir;

  @Test
  void oldDataIsDeletedSoonAfterStart() throws Exception {
    long nowUs = System.currentTimeMillis() * 1000;
    SpanRow old = SpanRow.builder().projectId(1).traceId(TestServer.hex(32)).spanId(TestServer.hex(16))
        .segment(true).startUs(nowUs - 3 * 86_400_000_000L).endUs(nowUs - 3 * 86_400_000_000L + 10).build();
    SpanRow fresh = old.toBuilder().traceId(TestServer.hex(32)).startUs(nowUs - 10).endUs(nowUs).build();
    try (DuckDbStorage s = DuckDbStorage.open(dir.resolve(dev.spindle.storage.duckdb.DuckDbStorageProvider.FILE))) {
      s.writer().write(WriteBatch.ofSpans(List.of(old, fresh)));
    }
    try (SpindleServer server = SpindleServer.builder().port(0).dataDir(dir).retentionDays(2)
        .out(new PrintStream(new ByteArrayOutputStream(), true)).start()) {
      boolean gone = false;
      for (int i = 0; i < 100 && !gone; i++) {
        gone = server.storage().traces().trace(old.traceId(), null).isEmpty();
        if (!gone) Thread.sleep(100);
      }
      assertTrue(gone, "the 3-day-old trace is deleted with 2 days of retention");
      assertFalse(server.storage().traces().trace(fresh.traceId(), null).isEmpty());
    }
  }

  @Test
  void serveOnAPortInUseFailsWithAMessage() {
    try (SpindleServer first = SpindleServer.builder().port(0).dataDir(dir)
        .out(new PrintStream(new ByteArrayOutputStream(), true)).start()) {
      assertTrue(first.port() > 0);
      PrintStream oldErr = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = Main.run("serve", "--port", Integer.toString(first.port()), "--data", dir.resolve("other").toString());
      } finally {
        System.setErr(oldErr);
      }
      assertEquals(1, code);
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot start"), err.toString(StandardCharsets.UTF_8));
    }
  }
}
