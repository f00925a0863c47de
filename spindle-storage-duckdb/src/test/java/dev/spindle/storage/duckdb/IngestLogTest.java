package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestLogTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private List<String> replay(IngestLog log, long from) throws IOException {
    List<String> out = new ArrayList<>();
    log.replay(from, (payload, end) -> out.add(new String(payload, StandardCharsets.UTF_8)));
    return out;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void replaysEverythingOrWhatFollowsAPosition() throws IOException {
    long afterB;
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of(), replay(log, 0));
      log.append(bytes("a"));
      afterB = log.append(bytes("b"));
      log.append(bytes("c"));
    }
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("a", "b", "c"), replay(log, 0));
    }
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("c"), replay(log, afterB));
      log.append(bytes("d"));
    }
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("c", "d"), replay(log, afterB));
    }
  }

  @Test
  void tornLastRecordIsCutOffAndAppendingGoesOn() throws IOException {
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      replay(log, 0);
      log.append(bytes("kept"));
      log.append(bytes("torn away"));
    }
    Path seg = segments().get(0);
    long size = Files.size(seg);
    try (var ch = java.nio.channels.FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3); // the crash hit the middle of the last write
    }
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("kept"), replay(log, 0));
      log.append(bytes("after"));
    }
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("kept", "after"), replay(log, 0));
    }
  }

  @Test
  void lastRecordWithABadChecksumIsCutOff() throws IOException {
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      replay(log, 0);
      log.append(bytes("good"));
      log.append(bytes("flipped"));
    }
    Path seg = segments().get(0);
    byte[] all = Files.readAllBytes(seg);
    all[all.length - 1] ^= 1;
    Files.write(seg, all);
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("good"), replay(log, 0));
    }
  }

  @Test
  void segmentsRollOverAndLoadedOnesAreDeleted() throws IOException {
    byte[] record = new byte[100];
    long third;
    try (IngestLog log = new IngestLog(dir, 250)) { // two 108-byte records per segment
      replay(log, 0);
      log.append(record);
      log.append(record);
      third = log.append(record);
      log.append(record);
      log.append(record);
      assertEquals(3, segments().size());
      assertEquals(2, IngestLog.segmentOf(third));
      log.deleteBefore(third);
      assertEquals(2, segments().size());
    }
    try (IngestLog log = new IngestLog(dir, 250)) {
      List<byte[]> left = new ArrayList<>();
      log.replay(third, (p, end) -> left.add(p));
      assertEquals(2, left.size());
      assertArrayEquals(record, left.get(0));
    }
  }

  @Test
  void damageBeforeTheLastSegmentRefusesToStart() throws IOException {
    try (IngestLog log = new IngestLog(dir, 250)) {
      replay(log, 0);
      for (int i = 0; i < 4; i++) log.append(new byte[100]);
    }
    Path first = segments().get(0);
    Files.write(first, new byte[] {0, 0, 0, 9}, StandardOpenOption.APPEND);
    try (IngestLog log = new IngestLog(dir, 250)) {
      IOException e = assertThrows(IOException.class, () -> replay(log, 0));
      assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }
  }

  private IngestLog faulty(long segmentBytes, FaultyChannel.Faults faults) throws IOException {
    return new IngestLog(dir, segmentBytes,
        (file, options) -> new FaultyChannel(java.nio.channels.FileChannel.open(file, options), faults));
  }

  @Test
  void aFailedWriteOrForceAppendsNothingAndTheNextAppendTakesItsPlace() throws IOException {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    try (IngestLog log = faulty(1 << 20, faults)) {
      replay(log, 0);
      log.append(bytes("a"));
      long afterB = log.append(bytes("b"));
      faults.partialWrite = true;
      assertThrows(IOException.class, () -> log.append(bytes("half written, never acknowledged")));
      assertEquals(IngestLog.offsetOf(afterB), Files.size(segments().get(0)), "the failed record is cut off");
      faults.clear();
      faults.force = true;
      assertThrows(IOException.class, () -> log.append(bytes("written, not forced")));
      assertEquals(IngestLog.offsetOf(afterB), Files.size(segments().get(0)));
      faults.clear();
      log.append(bytes("c"));
    }
    try (IngestLog log = new IngestLog(dir, 1 << 20)) {
      assertEquals(List.of("a", "b", "c"), replay(log, 0));
    }
  }

  @Test
  void aFailedAppendThatCouldNotBeCutOffIsCutOffBeforeTheNextSegment() throws IOException {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    byte[] record = new byte[100];
    try (IngestLog log = faulty(250, faults)) { // two 108-byte records per segment
      replay(log, 0);
      log.append(record);
      faults.partialWrite = true;
      faults.truncate = true; // the disk will not even let the half record go
      assertThrows(IOException.class, () -> log.append(record));
      faults.partialWrite = false;
      assertThrows(IOException.class, () -> log.append(new byte[200]), "no rollover while the cut-off fails");
      faults.clear();
      log.append(new byte[200]); // rolls over: the half record is cut off first
      log.append(record);
      assertEquals(3, segments().size());
    }
    try (IngestLog log = new IngestLog(dir, 250)) {
      List<Integer> sizes = new ArrayList<>();
      log.replay(0, (p, end) -> sizes.add(p.length)); // no "damaged" segment before the last
      assertEquals(List.of(100, 200, 100), sizes);
    }
  }
}
