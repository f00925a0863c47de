package dev.spindle.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spindle.transport.Envelope;
import dev.spindle.protocol.internal.JsonReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ClientReportsTest {

  @Test
  void takeEmptiesAndPayloadHasTheWireShape() {
    ClientReports reports = new ClientReports();
    reports.record("sample_rate", "transaction", 3);
    reports.record("sample_rate", "transaction", 2);
    reports.record("queue_overflow", "error", 1);
    reports.record("ignored", null, 1);
    reports.record("ignored", "error", 0);
    ClientReports.Snapshot s = reports.take();
    assertNull(reports.take());
    byte[] payload = s.toPayload(Instant.parse("2024-01-01T00:00:01.5Z"));
    Map<String, Object> json =
        JsonReader.parseObject(new String(payload, StandardCharsets.UTF_8), null);
    assertEquals("2024-01-01T00:00:01.500Z", json.get("timestamp"));
    Envelope e = Envelope.builder().addItem("client_report", payload).build();
    assertEquals(Map.of("sample_rate/transaction", 5L, "queue_overflow/error", 1L),
        TestEnvelopes.clientReportCounts(List.of(e)));
  }

  @Test
  void restoreFromSnapshotAndFromPayload() {
    ClientReports reports = new ClientReports();
    reports.record("before_send", "span", 4);
    ClientReports.Snapshot s = reports.take();
    reports.restore(s);
    reports.restore(s.toPayload(Instant.EPOCH));
    reports.restore("garbage".getBytes(StandardCharsets.UTF_8));
    assertEquals(8, reports.count("before_send", "span"));
  }

  @Test
  @Timeout(20)
  void concurrentRecordAndTakeNeitherLosesNorDoubleCounts() throws Exception {
    ClientReports reports = new ClientReports();
    int threads = 4;
    int perThread = 20_000;
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        for (int i = 0; i < perThread; i++) reports.record("queue_overflow", "span", 1);
        done.countDown();
      });
      writers.add(w);
      w.start();
    }
    long taken = 0;
    while (!done.await(0, TimeUnit.MILLISECONDS)) {
      ClientReports.Snapshot s = reports.take();
      if (s != null) taken += s.counts.values().stream().mapToLong(Long::longValue).sum();
    }
    ClientReports.Snapshot rest = reports.take();
    if (rest != null) taken += rest.counts.values().stream().mapToLong(Long::longValue).sum();
    for (Thread w : writers) w.join();
    assertEquals((long) threads * perThread, taken);
  }
}
