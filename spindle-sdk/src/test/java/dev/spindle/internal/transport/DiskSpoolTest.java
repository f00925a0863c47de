package dev.spindle.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
  final ClientReports reports = new ClientReports();

  @Test
  void storesOneFilePerEnvelopeOldestFirstAndSurvivesReopen() throws Exception {
    DiskSpool spool = new DiskSpool(dir, 1 << 20, clock, reports);
    Envelope a = TestEnvelopes.transaction();
    Envelope b = TestEnvelopes.transaction();
    spool.store(a, a.serialize(clock.instant()));
    clock.advance(java.time.Duration.ofMillis(1));
    spool.store(b, b.serialize(clock.instant()));
    assertEquals(2, spool.fileCount());

    DiskSpool reopened = new DiskSpool(dir, 1 << 20, clock, reports);
    assertEquals(2, reopened.fileCount());
    assertEquals(spool.totalBytes(), reopened.totalBytes());
    List<Path> files = reopened.list();
    assertEquals(a.eventId(), reopened.read(files.get(0)).eventId());
    assertEquals(b.eventId(), reopened.read(files.get(1)).eventId());
    reopened.delete(files.get(0));
    assertEquals(1, reopened.fileCount());
    assertEquals(1, reopened.list().size());
  }

  @Test
  void evictsOldestWhenFullAndRecordsQueueOverflow() throws Exception {
    Envelope first = TestEnvelopes.transaction();
    int size = first.serialize(clock.instant()).length;
    DiskSpool spool = new DiskSpool(dir, size * 2L + size / 2, clock, reports);
    Envelope second = TestEnvelopes.transaction();
    Envelope third = TestEnvelopes.transaction();
    for (Envelope e : List.of(first, second, third)) {
      clock.advance(java.time.Duration.ofMillis(1));
      assertTrue(spool.store(e, e.serialize(clock.instant())));
    }
    List<Path> files = spool.list();
    assertEquals(2, files.size());
    assertEquals(second.eventId(), spool.read(files.get(0)).eventId());
    assertEquals(third.eventId(), spool.read(files.get(1)).eventId());
    assertEquals(1, reports.count("queue_overflow", "transaction"));
  }

  @Test
  void replaceKeepsThePlaceInTheOrderAndTracksSize() throws Exception {
    DiskSpool spool = new DiskSpool(dir, 1 << 20, clock, reports);
    Envelope a = Envelope.builder().eventId("a").addItem("transaction", new byte[100])
        .addItem("event", new byte[10]).build();
    Envelope b = TestEnvelopes.error();
    spool.store(a, a.serialize(clock.instant()));
    clock.advance(java.time.Duration.ofMillis(1));
    spool.store(b, b.serialize(clock.instant()));
    Path first = spool.oldest();
    byte[] smaller = a.withItems(List.of(a.items().get(1))).serialize(clock.instant());
    spool.replace(first, smaller);
    assertEquals(first, spool.oldest());
    assertEquals(List.of("event"), TestEnvelopes.types(spool.read(first)));
    assertEquals(smaller.length + b.serialize(clock.instant()).length, spool.totalBytes());
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary file left");
    }
  }

  @Test
  void rejectsEnvelopeLargerThanTheWholeSpool() throws Exception {
    DiskSpool spool = new DiskSpool(dir, 10, clock, reports);
    Envelope e = TestEnvelopes.error();
    assertFalse(spool.store(e, e.serialize(clock.instant())));
    assertTrue(spool.isEmpty());
    assertEquals(1, reports.count("queue_overflow", "error"));
  }

  @Test
  void corruptFilesAreDeletedAndTempFilesIgnored() throws Exception {
    Files.write(dir.resolve("0000000000001-000000000001-00000000.envelope"),
        "{not json\n".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve(".tmp-0000000000002-000000000002-00000000"),
        TestEnvelopes.error().serialize(clock.instant()));
    DiskSpool spool = new DiskSpool(dir, 1 << 20, clock, reports);
    assertFalse(Files.exists(dir.resolve(".tmp-0000000000002-000000000002-00000000")));
    List<Path> files = spool.list();
    assertEquals(1, files.size());
    assertNull(spool.read(files.get(0)));
    assertFalse(Files.exists(files.get(0)));
    assertTrue(spool.list().isEmpty());
    assertTrue(spool.isEmpty());
  }
}
