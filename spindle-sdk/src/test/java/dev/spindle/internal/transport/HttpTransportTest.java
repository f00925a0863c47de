package dev.spindle.internal.transport;

import static dev.spindle.internal.transport.TestEnvelopes.clientReportCounts;
import static dev.spindle.internal.transport.TestEnvelopes.types;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import dev.spindle.protocol.Dsn;
import dev.spindle.internal.transport.FakeSentryServer.Received;
import dev.spindle.internal.transport.FakeSentryServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class HttpTransportTest {
  static final Duration FLUSH = Duration.ofSeconds(10);

  @TempDir Path spoolDir;
  final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
  final List<AutoCloseable> toClose = new ArrayList<>();
  FakeSentryServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = FakeSentryServer.start();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    server.close();
  }

  HttpTransport.Builder builder(Dsn dsn) {
    return HttpTransport.builder(dsn)
        .sdk("spindle.test", "1.0")
        .clock(clock)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(40))
        .maxRetries(2)
        .requestTimeout(Duration.ofSeconds(5))
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  HttpTransport open(HttpTransport.Builder b) {
    HttpTransport t = b.build();
    toClose.add(t);
    return t;
  }

  static List<Envelope> envelopes(List<Received> received) {
    return received.stream().map(r -> r.envelope).collect(Collectors.toList());
  }

  @Test
  void status200DeliversOneEnvelopeWithHeadersAndAuth() {
    HttpTransport transport = open(builder(server.dsn()));
    Envelope sent = TestEnvelopes.transaction();

    transport.send(sent);
    assertTrue(transport.flush(FLUSH));

    List<Received> received = server.received();
    assertEquals(1, received.size());
    Received r = received.get(0);
    assertEquals("POST", r.method);
    assertEquals("/api/42/envelope/", r.path);
    assertEquals("application/x-sentry-envelope", r.headers.getFirst("Content-Type"));
    assertEquals("gzip", r.headers.getFirst("Content-Encoding"));
    assertEquals("Sentry sentry_version=7, sentry_client=spindle.test/1.0, sentry_key=pubkey, "
        + "sentry_secret=sekret", r.headers.getFirst("X-Sentry-Auth"));
    assertNotNull(r.envelope, "server could not parse the body");
    assertEquals(sent.eventId(), r.envelope.eventId());
    assertEquals(List.of("transaction"), types(r.envelope));
    assertEquals(new String(sent.items().get(0).payload(), UTF_8),
        new String(r.envelope.items().get(0).payload(), UTF_8));
    String header = new String(r.body, UTF_8).split("\n", 2)[0];
    assertTrue(header.contains("\"sent_at\":\"2024-01-01T00:00:00.000Z\""), header);
  }

  @Test
  void status413DropsWithoutRetryAndRecordsSendErrorInNextClientReport() {
    server.respond((r, i) -> Reply.status(i == 0 ? 413 : 200));
    HttpTransport transport = open(builder(server.dsn()).maxConcurrentRequests(1)); // the order of requests is asserted
    Envelope tooLarge = TestEnvelopes.transaction();

    transport.send(tooLarge);
    assertTrue(transport.flush(FLUSH)); // handled: dropped for good

    List<Received> received = server.received();
    assertEquals(1, received.stream()
        .filter(r -> tooLarge.eventId().equals(r.envelope.eventId())).count(),
        "413 must not be retried");
    // nothing else went out, so flush sent the report on its own
    assertEquals(2, received.size());
    assertEquals(List.of("client_report"), types(received.get(1).envelope));
    assertEquals(Map.of("send_error/transaction", 1L),
        clientReportCounts(List.of(received.get(1).envelope)));

    transport.send(TestEnvelopes.error());
    assertTrue(transport.flush(FLUSH));
    received = server.received();
    assertEquals(3, received.size());
    assertEquals(List.of("event"), types(received.get(2).envelope), "counted once only");
  }

  @Test
  void clientReportRidesOnTheNextEnvelope() {
    server.respond((r, i) -> Reply.status(i == 0 ? 400 : 200));
    // one sender: the next envelope leaves after the first was answered
    HttpTransport transport = open(builder(server.dsn()).maxConcurrentRequests(1));
    transport.send(TestEnvelopes.transaction()); // rejected: send_error
    Envelope next = TestEnvelopes.error();
    transport.send(next);
    assertTrue(transport.flush(FLUSH));

    List<Received> received = server.received();
    assertEquals(2, received.size());
    assertEquals(next.eventId(), received.get(1).envelope.eventId());
    assertEquals(List.of("event", "client_report"), types(received.get(1).envelope));
    assertEquals(Map.of("send_error/transaction", 1L),
        clientReportCounts(List.of(received.get(1).envelope)));
  }

  @Test
  void status429WithRetryAfterDropsEverythingUntilTheClockPassesIt() {
    server.respond((r, i) -> i == 0 ? Reply.status(429, Map.of("Retry-After", "30"))
        : Reply.status(200));
    HttpTransport transport = open(builder(server.dsn()).maxConcurrentRequests(1)); // the order of requests is asserted

    transport.send(TestEnvelopes.transaction());
    assertTrue(transport.flush(FLUSH));
    transport.send(TestEnvelopes.error());
    transport.send(TestEnvelopes.transaction());
    assertTrue(transport.flush(FLUSH));
    assertEquals(1, server.received().size(), "nothing is sent while rate limited");

    clock.advance(Duration.ofSeconds(31));
    Envelope after = TestEnvelopes.error();
    transport.send(after);
    assertTrue(transport.flush(FLUSH));

    List<Received> received = server.received();
    assertEquals(2, received.size());
    assertEquals(after.eventId(), received.get(1).envelope.eventId());
    assertEquals(Map.of("ratelimit_backoff/transaction", 2L, "ratelimit_backoff/error", 1L),
        clientReportCounts(envelopes(received)));
  }

  @Test
  void rateLimitHeaderForTransactionsOnlyKeepsErrorsFlowing() {
    server.respond((r, i) -> i == 0
        ? Reply.status(200, Map.of("X-Sentry-Rate-Limits", "60:transaction:organization:quota"))
        : Reply.status(200));
    HttpTransport transport = open(builder(server.dsn()).maxConcurrentRequests(1)); // the order of requests is asserted

    transport.send(TestEnvelopes.error()); // 200 + limit on transactions
    assertTrue(transport.flush(FLUSH));
    transport.send(TestEnvelopes.transaction()); // dropped entirely, not sent
    Envelope mixed = Envelope.builder().eventId("0123456789abcdef0123456789abcdef")
        .addItem("transaction", "{}".getBytes(UTF_8))
        .addItem("event", "{}".getBytes(UTF_8))
        .build();
    transport.send(mixed); // sent without its transaction item
    assertTrue(transport.flush(FLUSH));

    List<Received> received = server.received();
    assertEquals(2, received.size());
    assertEquals(mixed.eventId(), received.get(1).envelope.eventId());
    assertEquals(List.of("event", "client_report"), types(received.get(1).envelope));

    clock.advance(Duration.ofSeconds(61));
    Envelope tx = TestEnvelopes.transaction();
    transport.send(tx);
    assertTrue(transport.flush(FLUSH));
    received = server.received();
    assertEquals(3, received.size());
    assertEquals(tx.eventId(), received.get(2).envelope.eventId());
    assertEquals(Map.of("ratelimit_backoff/transaction", 2L),
        clientReportCounts(envelopes(received)));
  }

  @Test
  void serverErrorsAreRetriedAndTheEnvelopeIsDeliveredOnce() {
    server.respond((r, i) -> Reply.status(i < 2 ? 503 : 200));
    HttpTransport transport = open(builder(server.dsn()).maxRetries(3));
    Envelope sent = TestEnvelopes.transaction();

    transport.send(sent);
    assertTrue(transport.flush(FLUSH));

    List<Received> received = server.received();
    assertEquals(3, received.size());
    for (Received r : received) assertEquals(sent.eventId(), r.envelope.eventId());
    assertEquals(1, server.accepted().size());
    assertTrue(clientReportCounts(envelopes(received)).isEmpty());
  }

  @Test
  void outageSpoolsToDiskAndARestartedTransportDeliversEverythingExactlyOnce() throws Exception {
    int port = server.port();
    server.close(); // the server is down
    HttpTransport first = open(builder(FakeSentryServer.dsnFor(port)).spoolDir(spoolDir));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Envelope e = TestEnvelopes.transaction();
      ids.add(e.eventId());
      first.send(e);
    }
    assertFalse(first.flush(FLUSH), "flush cannot succeed while the server is down");
    first.close();
    assertEquals(5, countSpoolFiles(), "every envelope is on disk");

    server = FakeSentryServer.start(port); // the server is back; the application restarts
    HttpTransport second = open(builder(FakeSentryServer.dsnFor(port)).spoolDir(spoolDir));
    assertTrue(second.flush(FLUSH));

    List<String> delivered = server.accepted().stream()
        .map(r -> r.envelope.eventId()).collect(Collectors.toList());
    assertEquals(5, delivered.size(), "delivered: " + delivered);
    assertEquals(ids, new HashSet<>(delivered));
    assertEquals(0, countSpoolFiles());
    second.close();
    assertEquals(5, server.accepted().size(), "nothing delivered twice");
  }

  @Test
  void spooledEnvelopesAreDeliveredWhenTheServerComesBackWithoutRestart() throws Exception {
    int port = server.port();
    server.close();
    HttpTransport transport = open(builder(FakeSentryServer.dsnFor(port)).spoolDir(spoolDir));
    Envelope e = TestEnvelopes.error();
    transport.send(e);
    assertFalse(transport.flush(FLUSH));
    assertEquals(1, countSpoolFiles());

    server = FakeSentryServer.start(port);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.accepted().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    assertTrue(transport.flush(FLUSH));
    assertEquals(List.of(e.eventId()), server.accepted().stream()
        .map(r -> r.envelope.eventId()).collect(Collectors.toList()));
    assertEquals(0, countSpoolFiles());
  }

  @Test
  void withoutSpoolAnUnreachableServerRecordsNetworkError() throws Exception {
    int port = server.port();
    server.close();
    HttpTransport transport = open(builder(FakeSentryServer.dsnFor(port)));
    transport.send(TestEnvelopes.transaction());
    assertFalse(transport.flush(FLUSH));
    assertEquals(1, transport.clientReports().count("network_error", "transaction"));
  }

  @Test
  void corruptSpoolFileIsSkippedAndTheRestDelivered() throws Exception {
    Envelope good = TestEnvelopes.transaction();
    Files.write(spoolDir.resolve("0000000000001-000000000001-00000000.envelope"),
        "{\"event_id\":\n garbage".getBytes(UTF_8));
    Files.write(spoolDir.resolve("0000000000002-000000000002-00000000.envelope"),
        good.serialize(clock.instant()));
    Files.write(spoolDir.resolve(".tmp-0000000000003-000000000003-00000000"),
        TestEnvelopes.error().serialize(clock.instant())); // a crash mid-write

    HttpTransport transport = open(builder(server.dsn()).spoolDir(spoolDir));
    assertTrue(transport.flush(FLUSH));

    assertEquals(List.of(good.eventId()), server.accepted().stream()
        .map(r -> r.envelope.eventId()).collect(Collectors.toList()));
    assertEquals(0, countSpoolFiles());
    try (Stream<Path> files = Files.list(spoolDir)) {
      assertEquals(0, files.count(), "corrupt and temporary files removed");
    }
  }

  @Test
  void queueOverflowIsRecordedAndSendNeverBlocks() throws Exception {
    server.respond((r, i) -> i == 0 ? Reply.hang() : Reply.status(200));
    HttpTransport transport = open(builder(server.dsn()).queueSize(2).maxConcurrentRequests(1));

    transport.send(TestEnvelopes.transaction()); // taken by the sender, hangs in flight
    assertTrue(server.awaitRequests(1, 10_000));
    for (int i = 0; i < 5; i++) transport.send(TestEnvelopes.transaction()); // 2 fit, 3 overflow
    assertEquals(3, transport.clientReports().count("queue_overflow", "transaction"));

    server.releaseHangs();
    assertTrue(transport.flush(FLUSH));
    List<Received> received = server.received();
    assertEquals(3, received.size()); // the hung one and the two queued; the report rides along
    assertEquals(Map.of("queue_overflow/transaction", 3L),
        clientReportCounts(envelopes(received)));
  }

  @Test
  void flushIsFalseWhileTheServerHangsAndTrueOnceItAnswers() throws Exception {
    server.respond((r, i) -> i == 0 ? Reply.hang() : Reply.status(200));
    HttpTransport transport = open(builder(server.dsn()));

    transport.send(TestEnvelopes.transaction());
    assertTrue(server.awaitRequests(1, 10_000));
    assertFalse(transport.flush(Duration.ofMillis(200)));

    server.releaseHangs();
    assertTrue(transport.flush(FLUSH));
    assertEquals(1, server.accepted().size());
  }

  @Test
  void closeReturnsWhileTheServerHangsAndSpoolsWhatIsLeft() throws Exception {
    server.respond((r, i) -> Reply.hang());
    HttpTransport transport = open(builder(server.dsn()).spoolDir(spoolDir)
        .shutdownTimeout(Duration.ofMillis(200)));
    transport.send(TestEnvelopes.transaction());
    assertTrue(server.awaitRequests(1, 10_000));
    transport.send(TestEnvelopes.error());

    transport.close();

    assertEquals(2, countSpoolFiles(), "the in-flight and the queued envelope were kept");
    transport.send(TestEnvelopes.error()); // after close: silently dropped, never throws
    assertEquals(2, countSpoolFiles());
  }

  @Test
  void lostEventsRecordedByTheCoreGoOutOnceAtFlush() {
    HttpTransport transport = open(builder(server.dsn()));
    transport.recordLostEvent("sample_rate", "transaction", 7);
    transport.recordLostEvent("before_send", "error", 1);
    assertTrue(transport.flush(FLUSH));
    assertTrue(transport.flush(FLUSH));

    List<Received> received = server.received();
    assertEquals(1, received.size(), "one standalone client report, not two");
    assertEquals(List.of("client_report"), types(received.get(0).envelope));
    assertEquals(Map.of("sample_rate/transaction", 7L, "before_send/error", 1L),
        clientReportCounts(envelopes(received)));
  }

  @Test
  void reportCountsSurviveARejectedCarrier() {
    server.respond((r, i) -> Reply.status(i == 0 ? 400 : 200));
    HttpTransport transport = open(builder(server.dsn()).maxConcurrentRequests(1)); // the order of requests is asserted
    transport.recordLostEvent("sample_rate", "transaction", 3);
    transport.send(TestEnvelopes.error()); // carries the report, rejected with 400
    assertTrue(transport.flush(FLUSH)); // the report goes out again, on its own

    List<Received> received = server.received();
    assertEquals(2, received.size());
    assertEquals(List.of("event", "client_report"), types(received.get(0).envelope));
    assertEquals(List.of("client_report"), types(received.get(1).envelope));
    assertEquals(Map.of("sample_rate/transaction", 3L, "send_error/error", 1L),
        clientReportCounts(List.of(received.get(1).envelope)));
  }

  @Test
  void aBurstLargerThanTheQueueDeliversWhatIsInFlightAndQueuedAndCountsTheRest() throws Exception {
    server.respond((r, i) -> i < 3 ? Reply.hang() : Reply.status(200));
    HttpTransport transport = open(builder(server.dsn()).queueSize(5).maxConcurrentRequests(3));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      Envelope e = TestEnvelopes.transaction();
      ids.add(e.eventId());
      transport.send(e);
    }
    assertTrue(server.awaitRequests(3, 10_000), "three requests in flight at once");
    for (int i = 0; i < 12; i++) { // 5 fit in the queue, 7 overflow
      Envelope e = TestEnvelopes.transaction();
      if (i < 5) ids.add(e.eventId());
      transport.send(e);
    }
    assertEquals(7, transport.clientReports().count("queue_overflow", "transaction"));
    assertEquals(3, server.received().size(), "a fourth request waits for a free sender");

    server.releaseHangs();
    assertTrue(transport.flush(FLUSH));
    List<Received> received = server.received();
    Set<String> delivered = received.stream().map(r -> r.envelope.eventId())
        .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    assertEquals(ids, delivered, "the 3 in flight and the 5 queued, each once");
    assertEquals(8, received.stream().filter(r -> r.envelope.eventId() != null).count());
    assertEquals(Map.of("queue_overflow/transaction", 7L), clientReportCounts(envelopes(received)));
  }

  @Test
  void everyEnvelopeOfABurstIsDeliveredOnceOrCountedAsLost() throws Exception {
    HttpTransport transport = open(builder(server.dsn()).queueSize(100));
    int burst = 2_000;
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < burst; i++) {
      Envelope e = TestEnvelopes.transaction();
      ids.add(e.eventId());
      transport.send(e);
    }
    assertTrue(transport.flush(FLUSH));
    List<Received> received = server.received();
    List<String> delivered = received.stream().map(r -> r.envelope.eventId())
        .filter(java.util.Objects::nonNull).collect(Collectors.toList());
    assertEquals(delivered.size(), new HashSet<>(delivered).size(), "nothing delivered twice");
    assertTrue(ids.containsAll(delivered));
    long lost = clientReportCounts(envelopes(received)).getOrDefault("queue_overflow/transaction", 0L);
    assertEquals(burst, delivered.size() + lost, "delivered " + delivered.size() + ", lost " + lost);
    assertTrue(delivered.size() >= 100, "at least a queue's worth delivered: " + delivered.size());
  }

  @Test
  void closeDeliversWhatWasHandedOverBefore() throws Exception {
    server.respond((r, i) -> {
      try {
        Thread.sleep(10); // a server some way off
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Reply.status(200);
    });
    HttpTransport transport = builder(server.dsn()).shutdownTimeout(Duration.ofSeconds(10)).build();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      Envelope e = i % 2 == 0 ? TestEnvelopes.transaction() : TestEnvelopes.error();
      ids.add(e.eventId());
      transport.send(e);
    }
    transport.close();
    assertEquals(ids, server.accepted().stream().map(r -> r.envelope.eventId())
        .collect(Collectors.toSet()));
    assertEquals(40, server.accepted().size());
  }

  @Test
  void concurrentSendersAreDeliveredExactlyOnce() throws Exception {
    HttpTransport transport = open(builder(server.dsn()).queueSize(1000));
    int threads = 4;
    int perThread = 50;
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread sender = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          Envelope e = TestEnvelopes.transaction();
          ids.add(e.eventId());
          transport.send(e);
        }
      });
      senders.add(sender);
      sender.start();
    }
    for (Thread sender : senders) sender.join();
    assertTrue(transport.flush(FLUSH));
    List<String> delivered = server.accepted().stream()
        .map(r -> r.envelope.eventId()).collect(Collectors.toList());
    assertEquals(threads * perThread, delivered.size());
    assertEquals(ids, new HashSet<>(delivered));
  }

  @Test
  void neverThrowsIntoTheApplication() {
    HttpTransport transport = open(builder(server.dsn()));
    transport.send(null);
    transport.recordLostEvent(null, null, -1);
    transport.flush(null);
    transport.flush(Duration.ofSeconds(-1));
    transport.close();
    transport.close();
    transport.send(TestEnvelopes.error());
    assertTrue(transport.flush(Duration.ofMillis(10)));
    assertEquals(0, server.received().size());
  }

  @Test
  void unwritableSpoolDirectoryDegradesToNoSpool() throws Exception {
    Path file = spoolDir.resolve("not-a-dir");
    Files.write(file, new byte[0]);
    HttpTransport transport = open(builder(server.dsn()).spoolDir(file.resolve("spool")));
    assertNull(transport.spool());
    transport.send(TestEnvelopes.error());
    assertTrue(transport.flush(FLUSH));
    assertEquals(1, server.accepted().size());
  }

  @Test
  void spoolThatBreaksAtRuntimeDropsAndRecordsWithoutThrowing() throws Exception {
    int port = server.port();
    server.close();
    Path dir = spoolDir.resolve("spool");
    HttpTransport transport = open(builder(FakeSentryServer.dsnFor(port)).spoolDir(dir));
    Files.delete(dir);
    Files.write(dir, new byte[0]); // the directory is gone: every write fails

    transport.send(TestEnvelopes.transaction());
    transport.send(TestEnvelopes.error());
    assertFalse(transport.flush(FLUSH));
    assertEquals(1, transport.clientReports().count("network_error", "transaction"));
    assertEquals(1, transport.clientReports().count("network_error", "error"));
  }

  @Test
  void builderRejectsBadConfigurationWithTheArgumentName() {
    Dsn dsn = server.dsn();
    assertEquals("queueSize: 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
        () -> HttpTransport.builder(dsn).queueSize(0)).getMessage());
    assertEquals("maxRetries: -1 (expected: >= 0)", assertThrows(IllegalArgumentException.class,
        () -> HttpTransport.builder(dsn).maxRetries(-1)).getMessage());
    assertEquals("maxConcurrentRequests: 0 (expected: > 0)", assertThrows(
        IllegalArgumentException.class,
        () -> HttpTransport.builder(dsn).maxConcurrentRequests(0)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> HttpTransport.builder(dsn).backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> HttpTransport.builder(dsn).spoolMaxBytes(0));
    assertThrows(NullPointerException.class, () -> HttpTransport.builder(null));
  }

  @Test
  void noopTransport() {
    Transport noop = Transport.noop();
    noop.send(TestEnvelopes.error());
    noop.recordLostEvent("sample_rate", "transaction", 1);
    assertTrue(noop.flush(Duration.ZERO));
    noop.close();
  }

  private long countSpoolFiles() throws Exception {
    try (Stream<Path> files = Files.list(spoolDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(DiskSpool.SUFFIX)).count();
    }
  }
}
