package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchCodecTest {
  private static final String TRACE = "a".repeat(32);

  private static SpanRow span(String traceId, String spanId) {
    return SpanRow.builder().projectId(7).traceId(traceId).spanId(spanId).startUs(1).endUs(2).build();
  }

  @Test
  void everyFieldRoundTrips() {
    SpanRow full = SpanRow.builder().projectId(3).traceId(TRACE).spanId("b".repeat(16))
        .parentSpanId("c".repeat(16)).segmentId("d".repeat(32)).segment(true).transaction("GET /x 'q' \"d\" 名前")
        .transactionSource("route").op("http.server").description("desc\nline").status("internal_error")
        .startUs(1_700_000_000_000_000L).endUs(1_700_000_000_123_456L).tag("k", "v").tag("k2", "🎉")
        .dataJson("{\"a\":[1,null]}").release("r").environment("e").user("id:1").sampleRate(0.25)
        .service("svc").platform("java").build();
    SpanRow bare = span(TRACE, "e".repeat(16));
    ErrorRow err = new ErrorRow(3, "f".repeat(32), TRACE, "b".repeat(16), 5, "fatal", "m", "T", "GET /x",
        Map.of("a", "b"), "r", "e", "u", "java", "{}");
    ErrorRow bareErr = new ErrorRow(3, "9".repeat(32), null, null, 6, null, null, null, null, null, null,
        null, null, null, null);
    ClientReportRow report = new ClientReportRow(3, 9, "sample_rate", "transaction", 4);
    WriteBatch b = new WriteBatch(List.of(full, bare), List.of(err, bareErr), List.of(report));
    assertEquals(b, BatchCodec.decode(BatchCodec.encode(b)));
  }

  @Test
  void foreignBytesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> BatchCodec.decode("nope".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> BatchCodec.decode("{\"v\":99}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void recordsAreKeyedByTraceAndBounded() {
    String other = "b".repeat(32);
    List<SpanRow> spans = new ArrayList<>();
    for (int i = 0; i < KafkaSpanWriter.MAX_ROWS_PER_RECORD + 10; i++) spans.add(span(TRACE, String.format("%016x", i)));
    spans.add(span(other, "1".repeat(16)));
    ErrorRow orphanError = new ErrorRow(7, "e".repeat(32), null, null, 1, null, null, null, null, null, null,
        null, null, null, null);
    ErrorRow traced = new ErrorRow(7, "f".repeat(32), other, null, 1, null, null, null, null, null, null,
        null, null, null, null);
    WriteBatch b = new WriteBatch(spans, List.of(orphanError, traced),
        List.of(new ClientReportRow(7, 1, "r", "c", 1)));

    List<KafkaSpanWriter.Keyed> records = KafkaSpanWriter.byKey(b);
    assertEquals(List.of(TRACE, TRACE, other, "e".repeat(32), "project:7"),
        records.stream().map(KafkaSpanWriter.Keyed::key).toList());
    assertEquals(KafkaSpanWriter.MAX_ROWS_PER_RECORD, records.get(0).batch().spans().size());
    assertEquals(10, records.get(1).batch().spans().size());
    assertEquals(List.of(traced), records.get(2).batch().errors(), "an error travels with its trace");
    int rows = records.stream().mapToInt(r -> r.batch().size()).sum();
    assertEquals(b.size(), rows, "nothing lost or doubled");
  }

  @Test
  void rolesParse() {
    assertEquals(Role.WRITER, Role.parse(" Writer "));
    assertThrows(IllegalArgumentException.class, () -> Role.parse("leader"));
    assertThrows(IllegalArgumentException.class, () -> new KafkaSettings("", "t", 1, (short) -1, "g"));
    assertThrows(IllegalArgumentException.class, () -> new KafkaSettings("h:1", "t", 0, (short) -1, "g"));
  }
}
