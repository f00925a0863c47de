package dev.spindle.serverbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.server.SpindleServer;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.TraceData;
import dev.spindle.storage.duckdb.DuckDbStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sanity checks of the generators (no benchmark runs here): the envelope the load generator sends
 * is accepted by a real server and stored as exactly the rows the bulk loader writes, and the
 * Zipkin body holds the same 21 spans.
 */
class PayloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void envelopeIsStoredAsTheLoaderRows() throws Exception {
    SplittableRandom rnd = new SplittableRandom(1);
    try (SpindleServer server = SpindleServer.builder().storage(DuckDbStorage.inMemory()).port(0)
        .out(new PrintStream(new ByteArrayOutputStream())).start()) {
      String dsn = server.bootstrap().dsn();
      String key = dsn.substring("http://".length(), dsn.indexOf('@'));
      for (boolean failed : new boolean[] {false, true}) {
        TraceShape t = new TraceShape(rnd, System.currentTimeMillis() * 1000 - 5_000_000, 0, failed ? 1 : 0);
        byte[] body = Payloads.gzip(Payloads.sentryEnvelope(t, dsn, key, System.currentTimeMillis()));
        try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
          RawHttp.Response r = http.send("POST", "/api/1/envelope/", body,
              "Content-Encoding: gzip", "X-Sentry-Auth: Sentry sentry_version=7,sentry_key=" + key);
          assertEquals(200, r.status(), new String(r.body()));
          assertEquals(t.eventIds[0], JSON.readTree(r.body()).path("id").asText());
        }
        TraceData stored = server.storage().traces().trace(t.traceId, 1L);
        List<SpanRow> expected = new ArrayList<>();
        Rows.spans(t, expected);
        assertEquals(TraceShape.SPANS, stored.spans().size());
        Map<String, SpanRow> byId = new HashMap<>();
        for (SpanRow s : stored.spans()) byId.put(s.spanId(), s);
        for (SpanRow e : expected) {
          SpanRow s = byId.get(e.spanId());
          assertEquals(e.parentSpanId(), s.parentSpanId(), "parent of " + e.spanId());
          assertEquals(e.segmentId(), s.segmentId());
          assertEquals(e.segment(), s.segment());
          assertEquals(e.transaction(), s.transaction());
          assertEquals(e.transactionSource(), s.transactionSource());
          assertEquals(e.op(), s.op());
          assertEquals(e.description(), s.description());
          assertEquals(e.status(), s.status());
          assertTrue(Math.abs(e.startUs() - s.startUs()) <= 1, "start of " + e.spanId());
          assertTrue(Math.abs(e.endUs() - s.endUs()) <= 1, "end of " + e.spanId());
          assertEquals(e.tags(), s.tags());
          // ingestion adds the envelope's sampling-context fingerprint to a root (the service
          // map's baggageDropped cause); the bulk loader's rows, written without an envelope, do not
          com.fasterxml.jackson.databind.node.ObjectNode data =
              (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(s.dataJson());
          if (s.segment()) assertTrue(data.remove(dev.spindle.storage.ServiceMapSql.DSC_KEY) != null, "fingerprint");
          assertEquals(JSON.readTree(e.dataJson()), data);
          assertEquals(e.release(), s.release());
          assertEquals(e.environment(), s.environment());
          assertEquals(e.user(), s.user());
          assertEquals(e.service(), s.service());
          assertEquals(e.platform(), s.platform());
          assertEquals(e.sampleRate(), s.sampleRate());
        }
      }
    }
  }

  @Test
  void zipkinBodyHoldsTheSameTree() throws Exception {
    TraceShape t = new TraceShape(new SplittableRandom(2), 1_700_000_000_000_000L, 0, 0);
    JsonNode spans = JSON.readTree(Payloads.zipkinSpans(t));
    assertEquals(TraceShape.SPANS, spans.size());
    for (int i = 0; i < TraceShape.SPANS; i++) {
      JsonNode s = spans.get(i);
      assertEquals(t.traceId, s.path("traceId").asText());
      assertEquals(t.spanIds[i], s.path("id").asText());
      assertEquals(i == 0 ? "" : t.spanIds[t.parent[i]], s.path("parentId").asText(""));
      assertEquals(t.startUs[i], s.path("timestamp").asLong());
      assertEquals(t.endUs[i] - t.startUs[i], s.path("duration").asLong());
    }
  }

  @Test
  void loaderTracesWithTwoTransactionsNestTheSecondUnderAClientSpan() {
    SplittableRandom rnd = new SplittableRandom(3);
    int seen = 0;
    for (int k = 0; k < 200; k++) {
      TraceShape t = new TraceShape(rnd, 1_700_000_000_000_000L, 0.5, 0);
      List<SpanRow> rows = new ArrayList<>();
      Rows.spans(t, rows);
      assertEquals(TraceShape.SPANS, rows.size());
      long roots = rows.stream().filter(SpanRow::segment).count();
      assertEquals(t.twoTransactions ? 2 : 1, roots);
      for (SpanRow r : rows) {
        assertTrue(r.startUs() >= t.startUs[0] && r.endUs() <= t.endUs[0] + 1000, "inside the root: " + r);
      }
      if (t.twoTransactions) {
        seen++;
        SpanRow second = rows.get(TraceShape.SECOND_ROOT);
        assertEquals(t.spanIds[2], second.parentSpanId());
        assertEquals("http.client", t.op(2));
      }
    }
    assertTrue(seen > 50 && seen < 150, "about half with two transactions: " + seen);
  }
}
