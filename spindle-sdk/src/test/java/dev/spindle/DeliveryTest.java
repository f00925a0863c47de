package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.transport.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK as an application uses it — {@code Spindle.init} with a DSN — against a real local
 * HTTP server: transactions arrive as gzip'd envelopes; while the server is down they wait in
 * the spool, survive a restart of the SDK and arrive exactly once when the server is back.
 */
@Timeout(60)
class DeliveryTest {
  final List<Envelope> received = new CopyOnWriteArrayList<>();
  final List<String> auth = new CopyOnWriteArrayList<>();
  HttpServer server;

  @AfterEach
  void stop() {
    Spindle.close();
    if (server != null) server.stop(0);
  }

  int start(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/api/3/envelope/", exchange -> {
      byte[] body;
      try (InputStream in = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
          ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      received.add(Envelope.parse(body));
      auth.add(exchange.getRequestHeaders().getFirst("X-Sentry-Auth"));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  List<String> transactionNames() {
    List<String> names = new ArrayList<>();
    for (Envelope e : received) {
      for (Envelope.Item i : e.items()) {
        if (i.type().equals("transaction")) names.add(CapturingTransport.parse(i.payload()).get("transaction").asText());
      }
    }
    return names;
  }

  @Test
  void transactionsReachTheServer() throws Exception {
    int port = start(0);
    Spindle.init(o -> o.setDsn("http://publickey@127.0.0.1:" + port + "/3").setTracesSampleRate(1.0));
    Transaction tx = Spindle.startTransaction("GET /catalog", "http.server");
    try (Scope s = tx.makeCurrent()) {
      Span child = Spindle.currentSpan().startChild("db.query", "SELECT 1");
      child.finish();
    }
    tx.finish();
    assertTrue(Spindle.flush(Duration.ofSeconds(10)));
    assertEquals(List.of("GET /catalog"), transactionNames());
    assertTrue(auth.get(0).contains("sentry_key=publickey"), auth.get(0));
    JsonNode sent = CapturingTransport.parse(received.get(0).items().get(0).payload());
    assertEquals(1, sent.get("spans").size());
    assertEquals(tx.traceId(), CapturingTransport.parse(received.get(0).traceJson()).get("trace_id").asText());
  }

  @Test
  void spooledWhileTheServerIsDownAndDeliveredOnceAfterARestart(@TempDir Path spool) throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort(); // free now; nobody listens while the "server is down"
    }
    Spindle.init(o -> o.setDsn("http://publickey@127.0.0.1:" + port + "/3").setTracesSampleRate(1.0)
        .setSpoolDirectory(spool).setShutdownTimeout(Duration.ofSeconds(2)));
    for (int i = 0; i < 5; i++) Spindle.startTransaction("offline-" + i, "task").finish();
    assertFalse(Spindle.flush(Duration.ofSeconds(3)), "nothing can be delivered while the server is down");
    Spindle.close(); // the application stops
    assertTrue(countFiles(spool) > 0, "the envelopes wait on disk");

    start(port); // the server comes back; the application restarts
    Spindle.init(o -> o.setDsn("http://publickey@127.0.0.1:" + port + "/3").setTracesSampleRate(1.0)
        .setSpoolDirectory(spool));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (transactionNames().size() < 5 && System.nanoTime() < deadline) {
      Spindle.flush(Duration.ofSeconds(1));
    }
    List<String> names = transactionNames();
    names.sort(null);
    assertEquals(List.of("offline-0", "offline-1", "offline-2", "offline-3", "offline-4"), names,
        "each delivered exactly once");
    assertEquals(0, countFiles(spool));
  }

  static long countFiles(Path dir) throws IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile).count();
    }
  }
}
