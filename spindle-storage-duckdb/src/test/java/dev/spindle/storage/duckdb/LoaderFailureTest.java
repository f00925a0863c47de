package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.WriteBatchCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The loader when its target refuses: one bad batch is set aside, a broken target stalls. */
@Timeout(60)
class LoaderFailureTest {
  @TempDir Path dir;
  private DuckDBConnection db;

  /** DuckDB, refusing batches named "poison", or everything while {@code refuseAll}. */
  private final class Picky implements LoadTarget, AutoCloseable {
    final DuckDbLoadTarget real;
    volatile boolean refuseAll;

    Picky() throws Exception {
      real = new DuckDbLoadTarget((DuckDBConnection) db.duplicate());
    }

    @Override
    public long loadedPosition() {
      return real.loadedPosition();
    }

    @Override
    public void load(List<WriteBatch> batches, long position) {
      if (refuseAll) throw new StorageException("no space left on device (test)");
      for (WriteBatch b : batches) {
        for (SpanRow r : b.spans()) {
          if ("poison".equals(r.transaction())) throw new StorageException("cannot load this row (test)");
        }
      }
      real.load(batches, position);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @BeforeEach
  void openDb() throws Exception {
    db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = db.createStatement()) {
      for (String ddl : Schema.DDL) s.execute(ddl);
    }
  }

  @AfterEach
  void closeDb() throws Exception {
    db.close();
  }

  private static WriteBatch batch(int n, String name) {
    return WriteBatch.ofSpans(List.of(SpanRow.builder().projectId(1)
        .traceId(String.format("%032x", n)).spanId(String.format("%016x", n)).transaction(name)
        .startUs(1).endUs(2).build()));
  }

  private long spans() throws Exception {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM spans")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<Path> quarantined() throws Exception {
    Path q = dir.resolve("quarantine");
    if (!Files.isDirectory(q)) return List.of();
    try (Stream<Path> files = Files.list(q)) {
      return files.toList();
    }
  }

  @Test
  void aBatchOnlyItRefusesIsSetAsideAndTheRestLoadsOnce() throws Exception {
    try (LogLoader l = LogLoader.open(new Picky(), dir)) {
      l.write(batch(1, "good"));
      l.write(batch(2, "poison"));
      l.write(batch(3, "good"));
      l.awaitVisible();
      assertEquals(2, spans());
    }
    List<Path> aside = quarantined();
    assertEquals(1, aside.size());
    WriteBatch kept = WriteBatchCodec.decode(Files.readAllBytes(aside.get(0)));
    assertEquals(batch(2, "poison"), kept);
    try (LogLoader l = LogLoader.open(new Picky(), dir)) {
      l.awaitVisible();
      assertEquals(2, spans(), "a reopen replays nothing twice");
    }
  }

  @Test
  void whileTheTargetRefusesEverythingNothingIsSkipped() throws Exception {
    Picky target = new Picky();
    try (LogLoader l = LogLoader.open(target, dir)) {
      target.refuseAll = true;
      l.write(batch(1, "good")); // durable in the log: the write succeeds
      Thread.sleep(1_500); // several refused attempts
      assertEquals(0, spans());
      assertEquals(List.of(), quarantined());
      target.refuseAll = false;
      l.awaitVisible();
      assertEquals(1, spans());
    }
    assertEquals(List.of(), quarantined());
  }

  @Test
  void anUnreadableRecordIsSetAsideOnOpen() throws Exception {
    try (IngestLog log = new IngestLog(dir, IngestLog.SEGMENT_BYTES)) {
      log.replay(0, (p, e) -> { });
      log.append(WriteBatchCodec.encode(batch(1, "good")));
      log.append("not a batch".getBytes(StandardCharsets.UTF_8)); // intact record, unknown content
      log.append(WriteBatchCodec.encode(batch(2, "good")));
    }
    try (LogLoader l = LogLoader.open(new Picky(), dir)) {
      l.awaitVisible();
      assertEquals(2, spans());
    }
    List<Path> aside = quarantined();
    assertEquals(1, aside.size());
    assertEquals("not a batch", new String(Files.readAllBytes(aside.get(0)), StandardCharsets.UTF_8));
  }

  @Test
  void whileTheTargetRefusesEverythingAFullQueueRefusesWritesAndQueriesDoNotWait() throws Exception {
    Picky target = new Picky();
    try (LogLoader l = LogLoader.open(target, dir)) {
      target.refuseAll = true;
      List<SpanRow> rows = new java.util.ArrayList<>();
      for (int i = 1; i <= LogLoader.MAX_QUEUED_ROWS; i++) rows.addAll(batch(i, "good").spans());
      l.write(WriteBatch.ofSpans(rows)); // acknowledged: in the log, queued
      long t0 = System.nanoTime();
      StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
          () -> l.write(batch(LogLoader.MAX_QUEUED_ROWS + 1, "good")));
      long waitedMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(waitedMs < LogLoader.STALL_MS + 3_000, "refused once stalled, not after 30 s: " + waitedMs + " ms");
      assertTrue(e.getMessage().contains("taken no rows"), e.getMessage());
      t0 = System.nanoTime();
      l.awaitVisible();
      assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a query does not wait for a stalled loader");
      assertEquals(0, spans());
      target.refuseAll = false;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (spans() < LogLoader.MAX_QUEUED_ROWS && System.nanoTime() < deadline) Thread.sleep(50);
      assertEquals(LogLoader.MAX_QUEUED_ROWS, spans(), "everything acknowledged is loaded once there is room");
    }
  }
}
