package dev.spindle.testing;

import dev.spindle.protocol.internal.JsonReader;
import dev.spindle.transport.Envelope;
import dev.spindle.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A transport that keeps what the SDK sends, for tests: set it with
 * {@code SpindleOptions.setTransport(..)} (or let {@link SpindleExtension} do it) and read back
 * {@link #transactions()} with their spans, {@link #errors()} and the raw {@link #envelopes()}.
 * Every envelope goes through its wire form (serialized and parsed back), so tests see exactly
 * what a server would receive. Transactions are handed over when they finish, on the finishing
 * thread; {@link #awaitTransactions(int)} waits for those finished on other threads. Thread-safe.
 */
public final class InMemoryTransport implements Transport {
  /** How long the {@code await*} methods wait. */
  public static final Duration WAIT = Duration.ofSeconds(10);

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

  /** Whether the tracer closed this transport. */
  public boolean isClosed() {
    return closed;
  }

  /** Every envelope sent so far, in order, as parsed back from its wire form. */
  public List<Envelope> envelopes() {
    return List.copyOf(envelopes);
  }

  /** Every transaction sent so far, in the order they finished. */
  public List<SentTransaction> transactions() {
    List<SentTransaction> result = new ArrayList<>();
    for (Envelope e : envelopes) {
      Map<String, Object> dsc = e.traceJson() == null ? Map.of() : JsonReader.parseObject(e.traceJson(), null);
      for (Map<String, Object> item : items(e, "transaction")) result.add(new SentTransaction(item, dsc));
    }
    return result;
  }

  /** The one transaction named {@code name}; AssertionError naming those sent when not exactly one. */
  public SentTransaction transaction(String name) {
    List<SentTransaction> named = new ArrayList<>();
    for (SentTransaction t : transactions()) if (name.equals(t.name())) named.add(t);
    if (named.size() != 1) {
      throw new AssertionError(named.size() + " transactions named " + name + "; sent: " + transactions());
    }
    return named.get(0);
  }

  /** Every error event sent so far. */
  public List<SentError> errors() {
    List<SentError> result = new ArrayList<>();
    for (Envelope e : envelopes) {
      for (Map<String, Object> item : items(e, "event")) result.add(new SentError(item));
    }
    return result;
  }

  /** Waits (at most {@link #WAIT}) until {@code n} transactions were sent; returns all of them. */
  public List<SentTransaction> awaitTransactions(int n) {
    return await(InMemoryTransport::transactions, l -> l.size() >= n, "at least " + n + " transactions");
  }

  /** Waits (at most {@link #WAIT}) until {@code n} error events were sent; returns all of them. */
  public List<SentError> awaitErrors(int n) {
    return await(InMemoryTransport::errors, l -> l.size() >= n, "at least " + n + " errors");
  }

  /** How many events the SDK counted as lost for this reason and category ({@code DiscardReason}). */
  public long lostEvents(String reason, String category) {
    AtomicLong n = lost.get(reason + ":" + category);
    return n == null ? 0 : n.get();
  }

  /** Forgets everything sent and counted so far. */
  public void clear() {
    envelopes.clear();
    lost.clear();
  }

  private <T> List<T> await(Function<InMemoryTransport, List<T>> read, Predicate<List<T>> done,
      String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<T> now = read.apply(this);
      if (done.test(now)) return now;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + what + " within " + WAIT + "; sent: " + now);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  private static List<Map<String, Object>> items(Envelope e, String type) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (Envelope.Item item : e.items()) {
      if (item.type().equals(type)) {
        result.add(JsonReader.parseObject(new String(item.payload(), StandardCharsets.UTF_8), null));
      }
    }
    return result;
  }
}
