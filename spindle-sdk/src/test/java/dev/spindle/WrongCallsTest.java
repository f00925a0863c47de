package dev.spindle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Wrong calls from the application are ignored or repaired, reported and counted, never thrown. */
@ExtendWith(StrictScopesExtension.class)
@Timeout(30)
class WrongCallsTest {
  final CapturingTransport transport = new CapturingTransport();
  final Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(transport));

  @AfterEach
  void close() {
    tracer.close();
  }

  @Test
  void nullsInScopeCallsAreIgnored() {
    long before = Misuse.count("setTag with a null key");
    tracer.setTag(null, "x");
    tracer.setContext(null, Map.of());
    tracer.setContext("trace", Map.of("trace_id", "forged"));
    tracer.addBreadcrumb(null);
    assertEquals(before + 1, Misuse.count("setTag with a null key"));
    Transaction tx = tracer.startTransaction("t", "task");
    tx.finish();
    JsonNode json = transport.transactions().get(0);
    assertEquals(tx.traceId(), json.at("/contexts/trace/trace_id").asText());
    assertTrue(json.path("breadcrumbs").isMissingNode());
  }

  @Test
  void captureExceptionOfNullSendsNothing() {
    long before = Misuse.count("captureException(null)");
    assertEquals(NoopSpan.INVALID_TRACE_ID, tracer.captureException(null));
    assertEquals(before + 1, Misuse.count("captureException(null)"));
    assertTrue(transport.envelopes.isEmpty());
  }

  @Test
  void transactionsWithoutNameOrContextStillWork() {
    Transaction unnamed = tracer.startTransaction((String) null, (String) null);
    unnamed.finish();
    JsonNode json = transport.transactions().get(0);
    assertEquals(TransactionContext.UNNAMED, json.path("transaction").asText());
    assertEquals(TransactionContext.UNNAMED, json.at("/contexts/trace/op").asText());
    assertEquals("custom", json.at("/transaction_info/source").asText());

    Transaction none = tracer.startTransaction((TransactionContext) null);
    assertTrue(none.isNoop());
    none.startChild("c").finish();
    none.finish();
    Transaction noSource = tracer.startTransaction(TransactionContext.builder("s", "task").source(null).build());
    assertEquals(TransactionSource.CUSTOM, noSource.source());
    noSource.finish();
    assertEquals(2, transport.transactions().size());
    assertTrue(Misuse.count("startTransaction(null)") >= 1);
  }
}
