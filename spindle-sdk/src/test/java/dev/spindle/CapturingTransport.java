package dev.spindle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A transport that keeps what it is given: envelopes round-tripped through their wire form. */
final class CapturingTransport implements Transport {
  static final ObjectMapper JSON = new ObjectMapper();

  final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
  final Map<String, AtomicLong> lost = new ConcurrentHashMap<>();
  volatile boolean closed;

  @Override
  public void send(Envelope envelope) {
    // Serialize and parse back, so tests see exactly what would go on the wire.
    envelopes.add(Envelope.parse(envelope.serialize(Instant.now())));
  }

  @Override
  public boolean flush(Duration timeout) {
    return true;
  }

  @Override
  public void recordLostEvent(String reason, String category, long quantity) {
    lost.computeIfAbsent(reason + ":" + category, k -> new AtomicLong()).addAndGet(quantity);
  }

  long lost(String reason, String category) {
    AtomicLong n = lost.get(reason + ":" + category);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Payloads of every item of {@code type}, parsed. */
  List<JsonNode> items(String type) {
    List<JsonNode> result = new ArrayList<>();
    for (Envelope e : envelopes) {
      for (Envelope.Item i : e.items()) {
        if (i.type().equals(type)) result.add(parse(i.payload()));
      }
    }
    return result;
  }

  List<JsonNode> transactions() {
    return items("transaction");
  }

  /** Waits (bounded) until {@code n} transactions arrived; returns them. */
  List<JsonNode> awaitTransactions(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (transactions().size() < n && System.nanoTime() < deadline) Thread.sleep(5);
    return transactions();
  }

  static JsonNode parse(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
