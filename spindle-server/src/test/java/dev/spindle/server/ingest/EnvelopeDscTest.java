package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.SpanRow;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeDscTest {
  private static final Map<String, Object> CALLER = Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736",
      "public_key", "abc", "sample_rate", "0.5", "sampled", "true", "transaction", "GET /shop");

  @Test
  void theFingerprintIgnoresTheTraceIdAndTellsOtherContextsApart() {
    String caller = EnvelopeDsc.of(CALLER).fingerprint();
    assertTrue(caller.matches("[0-9a-f]{16}"), caller);
    Map<String, Object> sameOtherTrace = new java.util.HashMap<>(CALLER);
    sameOtherTrace.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
    assertEquals(caller, EnvelopeDsc.of(sameOtherTrace).fingerprint());
    Map<String, Object> own = new java.util.HashMap<>(CALLER);
    own.put("public_key", "def");
    own.put("transaction", "GET /items");
    assertNotEquals(caller, EnvelopeDsc.of(own).fingerprint(), "a context the callee made itself");
    assertNull(EnvelopeDsc.of(Map.of()).fingerprint(), "no context, no fingerprint");
  }

  @Test
  void samplingChangedWhenRecordedAgainstTheDecisionOrAtAnotherRate() {
    EnvelopeDsc sampled = EnvelopeDsc.of(CALLER);
    assertEquals(0.5, sampled.sampleRate());
    assertFalse(sampled.samplingChanged(null), "the transaction did not say its own rate");
    assertFalse(sampled.samplingChanged(0.5));
    assertTrue(sampled.samplingChanged(1.0), "recorded at another rate than its caller's");
    assertTrue(EnvelopeDsc.of(Map.of("sampled", false)).samplingChanged(null), "recorded though sampled=false");
    assertTrue(EnvelopeDsc.of(Map.of("sampled", "false")).samplingChanged(null));
    assertFalse(EnvelopeDsc.of(Map.of("sample_rate", "x")).samplingChanged(1.0), "an unreadable rate tells nothing");
    assertEquals(1.0, EnvelopeDsc.NONE.sampleRate());
  }

  @Test
  void theTransactionRootKeepsTheFingerprintAndTheChange() {
    SentryMapper m = new SentryMapper(1, false, 1_700_000_000_000_000L, TransactionNames.FIXED);
    EnvelopeDsc dsc = EnvelopeDsc.of(Map.of("public_key", "abc", "sample_rate", 0.25, "sampled", "false"));
    byte[] item = ("{\"event_id\":\"" + "1".repeat(32) + "\",\"start_timestamp\":1700000000,"
        + "\"timestamp\":1700000001,\"contexts\":{\"trace\":{\"trace_id\":\"" + "2".repeat(32)
        + "\",\"span_id\":\"00f067aa0ba902b7\",\"parent_span_id\":\"00000000000000ab\"}},\"spans\":[{\"span_id\":"
        + "\"00000000000000cd\",\"start_timestamp\":1700000000,\"timestamp\":1700000001}]}")
        .getBytes(StandardCharsets.UTF_8);
    m.transaction(item, 0, item.length, null, dsc);
    SpanRow root = m.spans.get(0);
    assertEquals(0.25, root.sampleRate(), "the context's rate, as the transaction said none");
    assertEquals("{\"" + ServiceMapSql.DSC_KEY + "\":\"" + dsc.fingerprint() + "\",\""
        + ServiceMapSql.SAMPLING_CHANGED_KEY + "\":true}", root.dataJson());
    assertNull(m.spans.get(1).dataJson(), "child spans carry neither");
  }
}
