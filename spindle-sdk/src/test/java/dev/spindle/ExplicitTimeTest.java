package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.transport.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The public clock and explicit times: deterministic timestamps, spans recorded after the fact. */
@ExtendWith(StrictScopesExtension.class)
@Timeout(30)
class ExplicitTimeTest {
  /** Timestamps as exact decimals: a double cannot hold microseconds since the epoch. */
  static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  final CapturingTransport transport = new CapturingTransport();
  final FakeClock clock = new FakeClock();
  final Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
      .setTransport(transport).setClock(clock));
  final long t0 = clock.wallMicros.get();

  @AfterEach
  void close() {
    tracer.close();
  }

  @Test
  void aFixedClockMakesEveryTimestampDeterministic() throws IOException {
    Transaction tx = tracer.startTransaction("t", "task");
    clock.advanceMicros(1_500);
    Span child = tx.startChild("db.query");
    clock.advanceMicros(250);
    child.finish();
    clock.advanceMicros(100);
    tx.finish();
    JsonNode json = onlyTransaction();
    assertEquals(t0, micros(json.get("start_timestamp")));
    assertEquals(t0 + 1_850, micros(json.get("timestamp")));
    JsonNode span = json.get("spans").get(0);
    assertEquals(t0 + 1_500, micros(span.get("start_timestamp")));
    assertEquals(t0 + 1_750, micros(span.get("timestamp")));
  }

  @Test
  void pastWorkIsRecordedAtItsOwnTimes() throws IOException {
    Instant now = Instant.ofEpochSecond(0, t0 * 1_000);
    Instant enqueued = now.minus(Duration.ofMinutes(10));
    Transaction job = tracer.startTransaction(TransactionContext.builder("job", "queue.process")
        .startTimestamp(enqueued).build());
    Span wait = job.startChild("queue.wait", "in the queue", enqueued);
    wait.finish(now.minusMillis(20));
    clock.advanceMicros(3_000);
    Span work = job.startChild("work"); // started now, on the same timeline
    clock.advanceMicros(1_000);
    work.finish();
    job.finish(now.plusMillis(5));

    JsonNode json = onlyTransaction();
    assertEquals(t0 - 600_000_000, micros(json.get("start_timestamp")));
    assertEquals(t0 + 5_000, micros(json.get("timestamp")));
    JsonNode waitJson = span(json, "queue.wait");
    assertEquals(t0 - 600_000_000, micros(waitJson.get("start_timestamp")));
    assertEquals(t0 - 20_000, micros(waitJson.get("timestamp")));
    JsonNode workJson = span(json, "work");
    assertEquals(t0 + 3_000, micros(workJson.get("start_timestamp")));
    assertEquals(t0 + 4_000, micros(workJson.get("timestamp")));
    assertEquals(1, clock.wallReads.get(), "the wall clock is still read once per transaction");
  }

  @Test
  void wrongTimesNeverThrow() throws IOException {
    Transaction tx = tracer.startTransaction(TransactionContext.builder("t", "task")
        .startTimestamp(Instant.MAX).build()); // centuries away: taken as now
    Span early = tx.startChild("early", null, Instant.MIN);
    early.finish(Instant.ofEpochSecond(0, t0 * 1_000).minusSeconds(60)); // before its start
    Span none = tx.startChild("none", null, null);
    clock.advanceMicros(10);
    none.finish((Instant) null);
    tx.finish(Instant.MAX);
    JsonNode json = onlyTransaction();
    assertEquals(t0, micros(json.get("start_timestamp")));
    assertEquals(t0 + 10, micros(json.get("timestamp")));
    JsonNode e = span(json, "early");
    assertEquals(micros(e.get("start_timestamp")), micros(e.get("timestamp")), "an end before the start is the start");
    assertEquals(t0, micros(span(json, "none").get("start_timestamp")));
    assertEquals(t0 + 10, micros(span(json, "none").get("timestamp")));
    assertTrue(Misuse.count("a span time centuries away (taken as now)") >= 3);
  }

  @Test
  void spansThatRecordNothingAcceptTimesToo() {
    Tracer unsampled = Tracer.create(new SpindleOptions().setTracesSampleRate(0.0).setTransport(transport)
        .setClock(clock));
    Transaction tx = unsampled.startTransaction(TransactionContext.builder("u", "task")
        .startTimestamp(Instant.EPOCH).build());
    Span child = tx.startChild("c", null, Instant.EPOCH);
    assertFalse(child.isRecording());
    child.finish(Instant.EPOCH);
    tx.finish(Instant.now());
    assertTrue(tx.isFinished());
    unsampled.noopSpan().startChild("x", null, Instant.EPOCH).finish(Instant.EPOCH);
    unsampled.close();
    assertTrue(transport.transactions().isEmpty());
  }

  private JsonNode onlyTransaction() throws IOException {
    List<JsonNode> found = new ArrayList<>();
    for (Envelope e : transport.envelopes) {
      for (Envelope.Item i : e.items()) if (i.type().equals("transaction")) found.add(EXACT.readTree(i.payload()));
    }
    assertEquals(1, found.size());
    return found.get(0);
  }

  private static JsonNode span(JsonNode transaction, String op) {
    for (JsonNode s : transaction.get("spans")) if (s.get("op").asText().equals(op)) return s;
    throw new AssertionError("no span " + op + " in " + transaction);
  }

  private static long micros(JsonNode timestamp) {
    return timestamp.decimalValue().movePointRight(6).longValueExact();
  }
}
