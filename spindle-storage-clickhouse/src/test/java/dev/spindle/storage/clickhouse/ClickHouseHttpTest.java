package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection closed without an answer (what a pooled keep-alive connection meets once
 * ClickHouse closed it as idle) costs a read one more attempt, not an error; a write is not sent
 * twice.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClickHouseHttpTest {
  /** Answers every connection but the first, which it closes after reading the request. */
  private static final class FirstConnectionDropped implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    final AtomicInteger requests = new AtomicInteger();
    final Thread thread = new Thread(this::serve, "first-connection-dropped");

    FirstConnectionDropped() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          readRequest(s.getInputStream());
          if (requests.incrementAndGet() == 1) continue;
          byte[] body = "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8);
          s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
              + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().write(body);
          s.getOutputStream().flush();
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        head.write(c);
        if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) break;
      }
      for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          in.readNBytes(Integer.parseInt(line.substring(15).trim()));
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @Test
  void aReadIsSentAgainWhenItsConnectionClosedWithoutAnAnswer() throws IOException {
    try (FirstConnectionDropped server = new FirstConnectionDropped()) {
      ClickHouseHttp http = new ClickHouseHttp(server.url(), null, null, Duration.ofSeconds(10));
      assertEquals(1, http.query("SELECT 1 AS n").get(0).get("n").asInt());
      assertEquals(2, server.requests.get());
    }
  }

  @Test
  void aWriteIsNotSentTwice() throws IOException {
    try (FirstConnectionDropped server = new FirstConnectionDropped()) {
      ClickHouseHttp http = new ClickHouseHttp(server.url(), null, null, Duration.ofSeconds(10));
      assertThrows(StorageException.class,
          () -> http.insert("t", "{}\n".getBytes(StandardCharsets.UTF_8), Map.of()));
      assertEquals(1, server.requests.get());
    }
  }
}
