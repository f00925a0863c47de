package dev.spindle.internal.transport;

import dev.spindle.transport.Envelope;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.protocol.Dsn;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/** A real HTTP server on 127.0.0.1 that decodes and records envelopes and answers as told. */
final class FakeSentryServer implements AutoCloseable {
  static final String PUBLIC_KEY = "pubkey";
  static final String SECRET = "sekret";
  static final String PROJECT = "42";

  /** One received request, decoded. */
  static final class Received {
    final String method;
    final String path;
    final Headers headers;
    final byte[] body;
    final Envelope envelope;

    Received(String method, String path, Headers headers, byte[] body, Envelope envelope) {
      this.method = method;
      this.path = path;
      this.headers = headers;
      this.body = body;
      this.envelope = envelope;
    }
  }

  /** What to answer. {@code hang} blocks the exchange until {@link #releaseHangs()}. */
  static final class Reply {
    final int status;
    final Map<String, String> headers;
    final boolean hang;

    private Reply(int status, Map<String, String> headers, boolean hang) {
      this.status = status;
      this.headers = headers;
      this.hang = hang;
    }

    static Reply status(int status) {
      return new Reply(status, Map.of(), false);
    }

    static Reply status(int status, Map<String, String> headers) {
      return new Reply(status, headers, false);
    }

    static Reply hang() {
      return new Reply(200, Map.of(), true);
    }
  }

  interface Responder {
    Reply reply(Received request, int index);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-sentry");
    t.setDaemon(true);
    return t;
  });
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Received> accepted = new CopyOnWriteArrayList<>();
  private volatile Responder responder = (r, i) -> Reply.status(200);
  private volatile CountDownLatch hangLatch = new CountDownLatch(1);

  private FakeSentryServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static FakeSentryServer start() throws IOException {
    return new FakeSentryServer(0);
  }

  /** Starts on a given port (to simulate a server coming back). */
  static FakeSentryServer start(int port) throws IOException {
    return new FakeSentryServer(port);
  }

  int port() {
    return server.getAddress().getPort();
  }

  Dsn dsn() {
    return dsnFor(port());
  }

  static Dsn dsnFor(int port) {
    return Dsn.parse("http://" + PUBLIC_KEY + ":" + SECRET + "@127.0.0.1:" + port + "/" + PROJECT);
  }

  FakeSentryServer respond(Responder responder) {
    this.responder = responder;
    return this;
  }

  void releaseHangs() {
    hangLatch.countDown();
  }

  /** Every request, in arrival order. */
  List<Received> received() {
    return new ArrayList<>(received);
  }

  /** Requests answered with a 2xx. */
  List<Received> accepted() {
    return new ArrayList<>(accepted);
  }

  /** Waits (bounded) until at least {@code n} requests arrived. */
  boolean awaitRequests(int n, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (received.size() < n) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(5);
    }
    return true;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      byte[] body = raw;
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
          body = in.readAllBytes();
        }
      }
      Envelope envelope = null;
      try {
        envelope = Envelope.parse(body);
      } catch (IllegalArgumentException e) {
        // recorded with a null envelope; the test will notice
      }
      Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders(), body, envelope);
      int index;
      synchronized (received) {
        index = received.size();
        received.add(r);
      }
      Reply reply = responder.reply(r, index);
      if (reply.hang) {
        try {
          hangLatch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      if (reply.status >= 200 && reply.status < 300) accepted.add(r);
      // No response body: com.sun.net.httpserver writes headers and body in two TCP segments,
      // and Nagle + delayed ACK then costs ~40 ms per request. The transport ignores the body.
      exchange.sendResponseHeaders(reply.status, -1);
    } catch (IOException | RuntimeException e) {
      // the client went away (e.g. request timeout); nothing to do
    }
  }

  @Override
  public void close() {
    releaseHangs();
    server.stop(0);
    executor.shutdownNow();
  }
}
