package dev.spindle.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Span;
import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.propagation.Propagation;
import dev.spindle.transport.Transport;
import io.sentry.ISpan;
import io.sentry.ITransaction;
import io.sentry.NoOpTransportFactory;
import io.sentry.Sentry;
import io.sentry.TransactionContext;
import io.sentry.TransactionOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Headers written by Spindle are continued by the real sentry-java SDK, and the other way round. */
@Timeout(30)
class SentryJavaInteropTest {
  Tracer spindle;

  @BeforeEach
  void init() {
    Sentry.init(o -> {
      o.setDsn("http://publickey@127.0.0.1:1/1");
      o.setTracesSampleRate(0.5); // decisions must come from the headers, not this rate
      o.setTransportFactory(NoOpTransportFactory.getInstance());
    });
    spindle = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0)
        .setDsn("http://spindlekey@127.0.0.1:2/1").setTransport(Transport.noop()));
  }

  @AfterEach
  void close() {
    Sentry.close();
    spindle.close();
  }

  @Test
  void sentryJavaContinuesSpindleTraces() {
    for (boolean sampled : new boolean[] {true, false}) {
      spindle.close();
      spindle = Tracer.create(new SpindleOptions().setTracesSampleRate(sampled ? 1.0 : 0.0)
          .setDsn("http://spindlekey@127.0.0.1:2/1").setTransport(Transport.noop()));
      Transaction tx = spindle.startTransaction("GET /catalog", "http.server");
      Span call = tx.startChild("http.client", "GET /packages");
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      spindle.inject(call, headers, Propagation.mapSetter());

      TransactionContext ctx = Sentry.continueTrace(headers.get("sentry-trace"), List.of(headers.get("baggage")));
      assertNotNull(ctx, "sentry-java refused " + headers);
      ITransaction theirs = Sentry.startTransaction(ctx, new TransactionOptions());
      assertEquals(tx.traceId(), theirs.getSpanContext().getTraceId().toString());
      assertEquals(call.spanId(), theirs.getSpanContext().getParentSpanId().toString());
      assertEquals(sampled, theirs.isSampled(), "the head's decision travels: " + headers);
      assertEquals("spindlekey", theirs.toBaggageHeader(null).getValue()
          .replaceAll(".*sentry-public_key=([^,]*).*", "$1"), "the frozen DSC is forwarded");
      theirs.finish();
      call.finish();
      tx.finish();
    }
  }

  @Test
  void spindleContinuesSentryJavaTraces() {
    for (boolean sampled : new boolean[] {true, false}) {
      ITransaction theirs = Sentry.startTransaction(new TransactionContext("checkout", "http.server"),
          new TransactionOptions());
      ISpan theirCall = theirs.startChild("http.client");
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      // sentry-java with a forced decision, so both outcomes are checked
      io.sentry.SentryTraceHeader header = theirCall.toSentryTrace();
      String forced = header.getTraceId() + "-" + header.getSpanId() + (sampled ? "-1" : "-0");
      headers.put("sentry-trace", forced);
      String baggage = theirs.toBaggageHeader(null).getValue()
          .replaceAll("sentry-sampled=(true|false)", "sentry-sampled=" + sampled);
      headers.put("baggage", baggage);

      Transaction ours = spindle.continueTrace(headers, Propagation.mapGetter(), "GET /pay",
          "http.server", TransactionSource.ROUTE);
      assertEquals(header.getTraceId().toString(), ours.traceId());
      assertEquals(header.getSpanId().toString(), ours.parentSpanId());
      assertEquals(sampled, ours.isRecording());
      assertEquals(sampled, ours.sampled());

      // and what Spindle sends on carries sentry-java's DSC unchanged
      Map<String, String> onward = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      spindle.inject(ours, onward, Propagation.mapSetter());
      assertTrue(onward.get("baggage").contains("sentry-public_key=publickey"), onward.toString());
      assertFalse(onward.get("baggage").contains("spindlekey"));
      ours.finish();
      theirCall.finish();
      theirs.finish();
    }
  }
}
