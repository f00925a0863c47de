package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import dev.spindle.transport.Envelope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StrictScopesExtension.class)
@Timeout(30)
class TracerTest {
  final CapturingTransport transport = new CapturingTransport();
  final FakeClock clock = new FakeClock();
  Tracer tracer = tracer(new SpindleOptions().setTracesSampleRate(1.0));

  Tracer tracer(SpindleOptions options) {
    return Tracer.create(options.setTransport(transport).setRelease("shop@1.2.3")
        .setEnvironment("staging").setClock(clock));
  }

  @AfterEach
  void close() {
    tracer.close();
  }

  @Test
  void finishedTransactionIsSentAsOneEnvelopeWithItsSpans() {
    Transaction tx = tracer.startTransaction("/api/v2/users/{id}/", "http.server");
    tx.setName("/api/v2/users/{id}/", TransactionSource.ROUTE);
    tx.setTag("region", "eu").setData("request.size", 12);
    clock.advanceMicros(1_500);
    Span db = tx.startChild("db.query", "SELECT * FROM users WHERE id = ?");
    clock.advanceMicros(2_250);
    Span nested = db.startChild("db.connect").setOrigin("auto.db.jdbc");
    nested.finish(); // zero duration is allowed
    db.setTag("db.system", "postgresql").finish();
    clock.advanceMicros(100);
    tx.finish(SpanStatus.NOT_FOUND);

    assertEquals(1, transport.envelopes.size());
    Envelope envelope = transport.envelopes.get(0);
    assertEquals(1, envelope.items().size());
    JsonNode t = transport.transactions().get(0);
    assertEquals(envelope.eventId(), t.get("event_id").asText());
    assertEquals("transaction", t.get("type").asText());
    assertEquals("/api/v2/users/{id}/", t.get("transaction").asText());
    assertEquals("route", t.at("/transaction_info/source").asText());
    assertEquals("shop@1.2.3", t.get("release").asText());
    assertEquals("staging", t.get("environment").asText());
    assertEquals("eu", t.at("/tags/region").asText());
    JsonNode trace = t.at("/contexts/trace");
    assertEquals(tx.traceId(), trace.get("trace_id").asText());
    assertEquals(tx.spanId(), trace.get("span_id").asText());
    assertFalse(trace.has("parent_span_id"));
    assertEquals("http.server", trace.get("op").asText());
    assertEquals("not_found", trace.get("status").asText());
    assertEquals(12, trace.at("/data/request.size").asInt());
    String raw = new String(envelope.items().get(0).payload(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(raw.contains("\"start_timestamp\":1700000000.000000"), raw); // microseconds, 6 decimals
    assertEquals(1_700_000_000.00385, t.get("timestamp").asDouble(), 1e-7);

    JsonNode spans = t.get("spans");
    assertEquals(2, spans.size());
    JsonNode dbJson = find(spans, db.spanId());
    JsonNode nestedJson = find(spans, nested.spanId());
    assertEquals(tx.spanId(), dbJson.get("parent_span_id").asText());
    assertEquals(db.spanId(), nestedJson.get("parent_span_id").asText());
    assertEquals(tx.traceId(), dbJson.get("trace_id").asText());
    assertEquals("SELECT * FROM users WHERE id = ?", dbJson.get("description").asText());
    assertEquals("postgresql", dbJson.at("/tags/db.system").asText());
    assertEquals("ok", dbJson.get("status").asText());
    assertEquals(1_700_000_000.0015, dbJson.get("start_timestamp").asDouble(), 1e-7);
    assertEquals(1_700_000_000.00375, dbJson.get("timestamp").asDouble(), 1e-7);
    assertEquals(nestedJson.get("start_timestamp").asText(), nestedJson.get("timestamp").asText());
    assertEquals("auto.db.jdbc", nestedJson.get("origin").asText());
    assertEquals("manual", dbJson.get("origin").asText());
    assertEquals("manual", trace.get("origin").asText());
    assertEquals(1, clock.wallReads.get(), "one wall-clock read per transaction");
  }

  @Test
  void idsHaveTheProtocolsShape() {
    Transaction tx = tracer.startTransaction("t", "task");
    Span child = tx.startChild("op");
    assertTrue(Ids.isValidTraceId(tx.traceId()), tx.traceId());
    assertTrue(Ids.isValidSpanId(tx.spanId()), tx.spanId());
    assertTrue(Ids.isValidSpanId(child.spanId()), child.spanId());
    assertEquals(tx.spanId(), child.parentSpanId());
    assertEquals(tx.traceId(), child.traceId());
    assertNotEquals(tx.spanId(), child.spanId());
    child.finish();
    tx.finish();
  }

  @Test
  void globalTagsAndUserAreMergedWhenSent() {
    tracer = tracer(new SpindleOptions().setTracesSampleRate(1.0).setTag("service", "shop"));
    tracer.setTag("build", "42");
    tracer.setUser(User.of("u1", "ana", null, null));
    Transaction tx = tracer.startTransaction("t", "task");
    tx.setTag("build", "43"); // the transaction's own tag wins
    tx.finish();
    JsonNode t = transport.transactions().get(0);
    assertEquals("shop", t.at("/tags/service").asText());
    assertEquals("43", t.at("/tags/build").asText());
    assertEquals("u1", t.at("/user/id").asText());
    assertEquals("ana", t.at("/user/username").asText());
  }

  @Test
  void childrenBeyondMaxSpansAreDroppedAndCounted() {
    tracer = tracer(new SpindleOptions().setTracesSampleRate(1.0).setMaxSpans(3));
    Transaction tx = tracer.startTransaction("t", "task");
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 5; i++) {
      Span s = tx.startChild("op" + i);
      assertEquals(i < 3, s.isRecording());
      assertEquals(tx.traceId(), s.traceId()); // propagation still works
      assertEquals(tx.spanId(), s.parentSpanId());
      ids.add(s.spanId());
      s.finish();
    }
    Span dropped = tx.startChild("dropped");
    Span underDropped = dropped.startChild("under-dropped");
    assertEquals(dropped.spanId(), underDropped.parentSpanId());
    ids.add(dropped.spanId());
    ids.add(underDropped.spanId());
    assertEquals(7, ids.size(), "every child has its own id, dropped or not");
    tx.finish();
    assertEquals(3, transport.transactions().get(0).get("spans").size());
    assertEquals(4, transport.transactions().get(0).at("/contexts/trace/data/spindle.dropped_spans").asInt(),
        "the server's verdict reads the count from the transaction");
    assertEquals(4, transport.lost("buffer_overflow", "span"));
    Span late = tx.startChild("after the transaction was sent");
    assertFalse(late.isRecording());
    assertEquals(5, transport.lost("buffer_overflow", "span"), "a late child is counted too");
  }

  @Test
  void beforeSendTransactionCanChangeOrDrop() {
    tracer = tracer(new SpindleOptions().setTracesSampleRate(1.0).setBeforeSendTransaction(t -> {
      if (t.name().equals("drop me")) return null;
      t.tags().put("scrubbed", "yes");
      t.spans().removeIf(s -> s.operation().equals("secret"));
      return t;
    }));
    Transaction keep = tracer.startTransaction("keep me", "task");
    keep.startChild("secret").finish();
    keep.startChild("public").finish();
    keep.finish();
    tracer.startTransaction("drop me", "task").finish();
    List<JsonNode> sent = transport.transactions();
    assertEquals(1, sent.size());
    assertEquals("yes", sent.get(0).at("/tags/scrubbed").asText());
    assertEquals(1, sent.get(0).get("spans").size());
    assertEquals("public", sent.get(0).at("/spans/0/op").asText());
    assertEquals(1, transport.lost("before_send", "transaction"));
  }

  @Test
  void aThrowingHookDoesNotLoseTheTransaction() {
    tracer = tracer(new SpindleOptions().setTracesSampleRate(1.0).setBeforeSendTransaction(t -> {
      throw new IllegalStateException("bug in the hook");
    }));
    tracer.startTransaction("t", "task").finish();
    assertEquals(1, transport.transactions().size());
  }

  @Test
  void finishIsIdempotentAndLaterChangesAreIgnored() {
    Transaction tx = tracer.startTransaction("t", "task");
    Span child = tx.startChild("op");
    child.finish(SpanStatus.ABORTED);
    child.finish(SpanStatus.OK);
    child.setTag("late", "x");
    tx.finish();
    tx.finish();
    assertEquals(1, transport.transactions().size());
    JsonNode span = transport.transactions().get(0).at("/spans/0");
    assertEquals("aborted", span.get("status").asText());
    assertFalse(span.has("tags"));
  }

  @Test
  void transactionWaitsForOpenChildrenWithoutBlocking() throws Exception {
    Transaction tx = tracer.startTransaction("request", "http.server");
    Span job = tx.startChild("queue.process");
    tx.finish(); // returns at once although a child is still running
    assertTrue(transport.transactions().isEmpty(), "sent before its child finished");
    Span grandchild = job.startChild("db.query");
    grandchild.finish();
    job.finish();
    List<JsonNode> sent = transport.transactions();
    assertEquals(1, sent.size());
    assertEquals(2, sent.get(0).get("spans").size());
  }

  @Test
  void openChildrenPastTheDeadlineAreSentAsDeadlineExceeded() throws Exception {
    tracer = tracer(new SpindleOptions().setTracesSampleRate(1.0)
        .setOpenChildrenTimeout(Duration.ofMillis(50)));
    Transaction tx = tracer.startTransaction("request", "http.server");
    Span done = tx.startChild("done");
    done.finish();
    Span stuck = tx.startChild("stuck");
    tx.finish();
    List<JsonNode> sent = transport.awaitTransactions(1);
    assertEquals(1, sent.size());
    assertEquals("ok", find(sent.get(0).get("spans"), done.spanId()).get("status").asText());
    assertEquals("deadline_exceeded", find(sent.get(0).get("spans"), stuck.spanId()).get("status").asText());
    stuck.finish(); // late: nothing more is sent
    assertEquals(1, transport.transactions().size());
  }

  @Test
  void closeSendsTransactionsStillWaitingForChildren() {
    Transaction tx = tracer.startTransaction("request", "http.server");
    Span stuck = tx.startChild("stuck");
    tx.finish();
    assertTrue(transport.transactions().isEmpty());
    tracer.close(); // the application stops before the child finishes
    List<JsonNode> sent = transport.transactions();
    assertEquals(1, sent.size());
    assertEquals("deadline_exceeded", find(sent.get(0).get("spans"), stuck.spanId()).get("status").asText());
  }

  @Test
  void childFinishingOnAnotherThreadReleasesTheTransaction() throws Exception {
    Transaction tx = tracer.startTransaction("request", "http.server");
    Span child = tx.startChild("async");
    CountDownLatch finished = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      child.finish();
      finished.countDown();
    });
    tx.finish();
    t.start();
    assertTrue(finished.await(5, TimeUnit.SECONDS));
    assertEquals(1, transport.awaitTransactions(1).size());
  }

  @Test
  void captureExceptionIsTiedToTheCurrentSpan() {
    Transaction tx = tracer.startTransaction("checkout", "http.server");
    Span pay = tx.startChild("http.client", "POST /pay");
    String eventId;
    try (Scope s = pay.makeCurrent()) {
      eventId = tracer.captureException(new IllegalStateException("card declined",
          new java.io.IOException("connection reset")));
    }
    pay.finish();
    tx.finish();
    List<JsonNode> events = transport.items("event");
    assertEquals(1, events.size());
    JsonNode e = events.get(0);
    assertEquals(eventId, e.get("event_id").asText());
    assertEquals(tx.traceId(), e.at("/contexts/trace/trace_id").asText());
    assertEquals(pay.spanId(), e.at("/contexts/trace/span_id").asText());
    assertEquals("checkout", e.get("transaction").asText());
    assertEquals("IOException", e.at("/exception/values/0/type").asText());
    assertEquals("IllegalStateException", e.at("/exception/values/1/type").asText());
    assertEquals("card declined", e.at("/exception/values/1/value").asText());
    assertTrue(e.at("/exception/values/1/stacktrace/frames").size() > 0);
    assertEquals("internal_error", find(transport.transactions().get(0).get("spans"), pay.spanId())
        .get("status").asText());
    Envelope envelope = transport.envelopes.get(0);
    JsonNode dsc = CapturingTransport.parse(envelope.traceJson());
    assertEquals(tx.traceId(), dsc.get("trace_id").asText());
  }

  @Test
  void envelopeCarriesTheDynamicSamplingContext() {
    tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport)
        .setDsn("http://abc123@127.0.0.1:9/7").setRelease("r1").setEnvironment("prod").setClock(clock));
    Transaction tx = tracer.startTransaction("GET /users", "http.server");
    tx.finish();
    JsonNode dsc = CapturingTransport.parse(transport.envelopes.get(0).traceJson());
    assertEquals(tx.traceId(), dsc.get("trace_id").asText());
    assertEquals("abc123", dsc.get("public_key").asText());
    assertEquals("1", dsc.get("sample_rate").asText());
    assertEquals("true", dsc.get("sampled").asText());
    assertEquals("r1", dsc.get("release").asText());
    assertEquals("prod", dsc.get("environment").asText());
    assertEquals("GET /users", dsc.get("transaction").asText());
    double rand = Double.parseDouble(dsc.get("sample_rand").asText());
    assertTrue(rand >= 0 && rand < 1);
  }

  @Test
  void urlNamesStayOutOfTheDsc() {
    Transaction tx = tracer.startTransaction("/users/123", "http.server");
    tx.setName("/users/123", TransactionSource.URL);
    tx.finish();
    JsonNode dsc = CapturingTransport.parse(transport.envelopes.get(0).traceJson());
    assertFalse(dsc.has("transaction"));
  }

  @Test
  void measurementsAreSent() {
    Transaction tx = tracer.startTransaction("t", "task");
    tx.setMeasurement("memory", 1024, "byte");
    tx.finish();
    JsonNode m = transport.transactions().get(0).at("/measurements/memory");
    assertEquals(1024, m.get("value").asDouble());
    assertEquals("byte", m.get("unit").asText());
  }

  @Test
  void currentSpanIsNeverNull() {
    Span none = tracer.currentSpan();
    assertTrue(none.isNoop());
    Transaction unsampled = Tracer.create(new SpindleOptions().setTracesSampleRate(0.0)
        .setTransport(transport)).startTransaction("u", "task");
    assertFalse(unsampled.isNoop(), "unsampled spans still propagate");
    assertFalse(unsampled.startChild("c").isNoop());
    assertFalse(none.isRecording());
    assertNull(Spindle.currentSpan().parentSpanId());
    none.startChild("x").finish(); // harmless
    assertTrue(transport.envelopes.isEmpty());
  }

  @Test
  void closedTracerSendsNothingNew() {
    tracer.close();
    assertTrue(transport.closed);
    Transaction tx = tracer.startTransaction("late", "task");
    assertFalse(tx.isRecording());
    tx.finish();
    assertTrue(transport.envelopes.isEmpty());
  }

  static JsonNode find(JsonNode spans, String spanId) {
    for (JsonNode s : spans) if (s.get("span_id").asText().equals(spanId)) return s;
    throw new AssertionError("no span " + spanId + " in " + spans);
  }
}
