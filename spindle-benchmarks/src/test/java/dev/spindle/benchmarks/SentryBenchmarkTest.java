package dev.spindle.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sentry.Sentry;
import io.sentry.SentryEnvelope;
import io.sentry.SentryEnvelopeItem;
import io.sentry.SentryItemType;
import io.sentry.TransactionContext;
import io.sentry.protocol.SentryTransaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sentry-java fixtures do the work the benchmarks claim: no speed is measured here. */
@Timeout(30)
class SentryBenchmarkTest {
  final SentryBenchmark bench = new SentryBenchmark();

  @Test
  void childSpanRotatesTheParentEveryFiveHundredChildren() throws Exception {
    SentryBenchmark.ParentFixture f = new SentryBenchmark.ParentFixture();
    f.setUp();
    try {
      for (int i = 0; i < 2 * Fixtures.CHILDREN_PER_PARENT; i++) bench.childSpan(f);
      assertEquals(2, f.transport.envelopes);
      assertEquals(Fixtures.CHILDREN_PER_PARENT, transaction(f.transport.last).getSpans().size());
      assertEquals(0, f.transport.bytes(), "the childSpan transport does not serialize");
      for (int i = 0; i < 3; i++) bench.childSpanOfCurrent(f);
    } finally {
      f.tearDown();
    }
    assertEquals(3, f.transport.envelopes);
    assertEquals(3, transaction(f.transport.last).getSpans().size(),
        "children of the current span join the parent");
  }

  @Test
  void transactionWith10ChildrenSerializesEachTransaction() throws Exception {
    SentryBenchmark.SerializingFixture f = new SentryBenchmark.SerializingFixture();
    f.setUp();
    try {
      for (int i = 0; i < 3; i++) bench.transactionWith10Children(f);
    } finally {
      f.tearDown();
    }
    assertEquals(3, f.transport.envelopes);
    assertEquals(Fixtures.CHILDREN_PER_TRANSACTION, transaction(f.transport.last).getSpans().size());
    assertTrue(f.transport.bytes() > 3 * 10 * Fixtures.CHILD_DESCRIPTION.length(), "serialized");
  }

  @Test
  void injectExtractReadsBackTheCurrentSpan() {
    SentryBenchmark.PropagationFixture f = new SentryBenchmark.PropagationFixture();
    f.setUp();
    try {
      TransactionContext in = bench.injectExtract(f);
      assertNotNull(in);
      assertEquals(f.current.getSpanContext().getTraceId(), in.getTraceId());
      assertEquals(f.current.getSpanContext().getSpanId(), in.getParentSpanId());
      assertEquals(Boolean.TRUE, in.getParentSampled());
      assertNotNull(in.getBaggage(), "the baggage travelled too");
    } finally {
      f.tearDown();
    }
  }

  static SentryTransaction transaction(SentryEnvelope envelope) throws Exception {
    assertNotNull(envelope);
    for (SentryEnvelopeItem item : envelope.getItems()) {
      if (item.getHeader().getType() == SentryItemType.Transaction) {
        return item.getTransaction(Sentry.getCurrentScopes().getOptions().getSerializer());
      }
    }
    throw new AssertionError("no transaction item in " + envelope.getHeader());
  }
}
