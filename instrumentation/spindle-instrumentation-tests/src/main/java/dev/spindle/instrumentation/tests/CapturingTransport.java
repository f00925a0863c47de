package dev.spindle.instrumentation.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.testing.InMemoryTransport;
import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link Transport} for tests that keeps every envelope in the testing kit's
 * {@link InMemoryTransport} (round-tripped through its wire form, so tests see exactly what would
 * be sent) and parses items with Jackson. Thread-safe.
 */
public final class CapturingTransport implements Transport {
  /** How long the {@code await*} methods wait by default. */
  public static final Duration DEFAULT_WAIT = InMemoryTransport.WAIT;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryTransport sent = new InMemoryTransport();

  @Override
  public void send(Envelope envelope) {
    sent.send(envelope);
  }

  @Override
  public boolean flush(Duration timeout) {
    return true;
  }

  @Override
  public void recordLostEvent(String reason, String category, long quantity) {
    sent.recordLostEvent(reason, category, quantity);
  }

  @Override
  public void close() {
    sent.close();
  }

  /** What was sent, with the testing kit's typed access. */
  public InMemoryTransport sent() {
    return sent;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return sent.isClosed();
  }

  /** How many events were recorded as lost for this reason and category. */
  public long lost(String reason, String category) {
    return sent.lostEvents(reason, category);
  }

  /** Every envelope sent so far, in order. */
  public List<Envelope> envelopes() {
    return sent.envelopes();
  }

  /** Forgets everything captured so far. */
  public void clear() {
    sent.clear();
  }

  /** The parsed payloads of every item of {@code type} sent so far. */
  public List<JsonNode> items(String type) {
    List<JsonNode> result = new ArrayList<>();
    for (Envelope e : sent.envelopes()) {
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
    for (Envelope e : sent.envelopes()) {
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
