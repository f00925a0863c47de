package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.OldBatches;
import dev.spindle.storage.tests.TransactionOpUpgrade;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An older release's database: its span table predates {@code transaction_op} and its ingest log
 * holds a version 1 batch it acknowledged but had not loaded. Opened now, the table gets the
 * column and the batch loads.
 */
class TransactionOpColumnTest {
  @TempDir Path dir;

  @Test
  void anOlderDatabaseGetsTheColumnAndLoadsWhatItsLogHolds() throws Exception {
    Path file = dir.resolve("spindle.duckdb");
    long now = System.currentTimeMillis() * 1000;
    try (DuckDbStorage storage = DuckDbStorage.open(file)) {
      storage.writer().write(WriteBatch.ofSpans(TransactionOpUpgrade.before(now)));
      storage.traces().trace(TransactionOpUpgrade.TRACE, null); // returns once the rows are loaded
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE spans DROP COLUMN transaction_op");
    }
    try (IngestLog log = new IngestLog(dir.resolve("spindle.duckdb.ingest"), IngestLog.SEGMENT_BYTES)) {
      log.replay(Long.MAX_VALUE, (p, e) -> { });
      log.append(OldBatches.version1Bytes());
    }
    try (DuckDbStorage storage = DuckDbStorage.open(file)) {
      TransactionOpUpgrade.assertAfter(storage, now);
      List<SpanRow> old = OldBatches.version1().spans();
      String trace = old.get(0).traceId();
      assertEquals(Set.copyOf(old), Set.copyOf(storage.traces().trace(trace, null).spans()));
      assertEquals(old.size(), storage.traces().trace(trace, null).spans().size());
    }
  }
}
