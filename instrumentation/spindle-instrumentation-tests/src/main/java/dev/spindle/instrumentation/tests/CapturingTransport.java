package dev.spindle.instrumentation.tests;

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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link Transport} for tests that keeps every envelope, round-tripped through its wire form so
 * tests see exactly what would be sent, and parses items with Jackson. Thread-safe.
 */
public final class CapturingTransport implements Transport {
  /** How long the {@code await*} methods wait by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> lost = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public void send(Envelope envelope) {
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

  @Override
  public void close() {
    closed = true;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** How many events were recorded as lost for this reason and category. */
  public long lost(String reason, String category) {
    AtomicLong n = lost.get(reason + ":" + category);
    return n == null ? 0 : n.get();
  }

  /** Every envelope sent so far, in order. */
  public List<Envelope> envelopes() {
    return List.copyOf(envelopes);
  }

  /** Forgets everything captured so far. */
  public void clear() {
    envelopes.clear();
    lost.clear();
  }

  /** The parsed payloads of every item of {@code type} sent so far. */
  public List<JsonNode> items(String type) {
    List<JsonNode> result = new ArrayList<>();
    for (Envelope e : envelopes) {
      for (Envelope.Item i : e.items()) {
        if (i.type().equals(type)) result.add(parse(i.payload()));
      }
    }
    return result;
  }

  /** Every transaction event sent so far. */
  public List<JsonNode> transactions() {
    return items("transaction");
  }

  /**
   * Waits (at most {@link #DEFAULT_WAIT}) for a transaction matching {@code filter}; fails with an
   * AssertionError naming what arrived when none does.
   */
  public JsonNode awaitTransaction(Predicate<JsonNode> filter) {
    long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
    while (true) {
      for (JsonNode t : transactions()) {
        if (filter.test(t)) return t;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching transaction within " + DEFAULT_WAIT + "; got "
            + names(transactions()));
      }
      pause();
    }
  }

  /** Waits for the transaction whose root span is {@code spanId}. */
  public JsonNode awaitTransactionOfSpan(String spanId) {
    return awaitTransaction(t -> spanId.equals(Traces.spanIdOf(t)));
  }

  /** Waits (bounded) until at least {@code n} transactions arrived; returns all of them. */
  public List<JsonNode> awaitTransactions(int n) {
    long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
    while (transactions().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + n + " transactions within " + DEFAULT_WAIT
            + ", got " + transactions().size() + ": " + names(transactions()));
      }
      pause();
    }
    return transactions();
  }

  /** The {@code trace} envelope header (the dynamic sampling context) of the envelope carrying this transaction. */
  public JsonNode traceHeaderOf(JsonNode transaction) {
    String eventId = transaction.path("event_id").asText();
    for (Envelope e : envelopes) {
      if (eventId.equals(e.eventId())) return e.traceJson() == null ? null : parse(e.traceJson());
    }
    return null;
  }

  private static List<String> names(List<JsonNode> transactions) {
    List<String> names = new ArrayList<>();
    for (JsonNode t : transactions) names.add(t.path("transaction").asText());
    return names;
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for transactions", e);
    }
  }

  /** Parses JSON text, throwing unchecked. */
  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
