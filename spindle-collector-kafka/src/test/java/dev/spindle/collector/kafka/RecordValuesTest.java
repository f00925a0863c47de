package dev.spindle.collector.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.OldBatches;
import dev.spindle.storage.write.WriteBatchCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Record values: the shared binary codec, JSON records of earlier releases still read; record keys. */
class RecordValuesTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  /** Made by the server's former JSON encoder (BatchCodec) from {@link #batch()}. */
  private static final String LEGACY_JSON = "{\"v\":1,\"s\":[[7,\"0af7651916cd43dd8448eb211c80319c\",\"b7ad6b7169203331\",\"a7ad6b7169203331\",\"00f067aa0ba902b700f067aa0ba902b7\",true,\"GET /\u00fc \\\"q\\\"\",\"route\",\"http.server\",\"d\\nx\",\"internal_error\",1700000000000000,1700000000123456,{\"k\":\"v\"},\"{\\\"a\\\":[1,null]}\",\"r1\",\"prod\",\"u\",0.25,\"svc\",\"java\"],[0,\"0af7651916cd43dd8448eb211c80319c\",\"0000000000000001\",null,null,false,null,null,null,null,\"ok\",0,0,{},null,null,null,null,1.0,null,null]],\"e\":[[2,\"ffffffffffffffffffffffffffffffff\",\"0af7651916cd43dd8448eb211c80319c\",\"0000000000000001\",5,\"fatal\",\"m \u2713\",\"E\",\"t\",{\"a\":\"b\"},\"r\",\"e\",\"u\",\"java\",\"{}\"],[2,\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\",null,null,5,\"error\",null,null,null,{},null,null,null,null,null]],\"c\":[[1,7,\"queue_overflow\",\"transaction\",3]]}";

  private static WriteBatch batch() {
    SpanRow full = SpanRow.builder().projectId(7).traceId(TRACE)
        .spanId("b7ad6b7169203331").parentSpanId("a7ad6b7169203331").segmentId("00f067aa0ba902b700f067aa0ba902b7")
        .segment(true).transaction("GET /\u00fc \"q\"").transactionSource("route").op("http.server").description("d\nx")
        .status("internal_error").startUs(1_700_000_000_000_000L).endUs(1_700_000_000_123_456L).tag("k", "v")
        .dataJson("{\"a\":[1,null]}").release("r1").environment("prod").user("u").sampleRate(0.25).service("svc")
        .platform("java").build();
    SpanRow bare = SpanRow.builder().traceId(TRACE).spanId("0000000000000001").build();
    ErrorRow error = new ErrorRow(2, "ffffffffffffffffffffffffffffffff", TRACE, "0000000000000001", 5,
        "fatal", "m \u2713", "E", "t", Map.of("a", "b"), "r", "e", "u", "java", "{}");
    ErrorRow bareError = new ErrorRow(2, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", null, null, 5, null,
        null, null, null, null, null, null, null, null, null);
    return new WriteBatch(List.of(full, bare), List.of(error, bareError),
        List.of(new ClientReportRow(1, 7, "queue_overflow", "transaction", 3)));
  }

  @Test
  void valuesAreTheSharedBinaryCodec() {
    byte[] value = RecordValues.encode(batch());
    assertEquals(WriteBatchCodec.VERSION, value[0]);
    assertEquals(batch(), RecordValues.decode(value));
    assertEquals(batch(), WriteBatchCodec.decode(value));
  }

  @Test
  void binaryRecordsOfEarlierVersionsAreStillRead() {
    assertEquals(OldBatches.version1(), RecordValues.decode(OldBatches.version1Bytes()));
  }

  @Test
  void jsonRecordsOfEarlierReleasesAreStillRead() {
    assertEquals(batch(), RecordValues.decode(LEGACY_JSON.getBytes(UTF_8)));
  }

  @Test
  void foreignValuesAreRefusedSayingWhy() {
    assertEquals("batch version 110 (expected: 1 to 2)", assertThrows(IllegalArgumentException.class,
        () -> RecordValues.decode("nope".getBytes(UTF_8))).getMessage());
    assertEquals("JSON batch: not version 1 (expected: {\"v\":1,...})", assertThrows(IllegalArgumentException.class,
        () -> RecordValues.decode("{\"v\":99}".getBytes(UTF_8))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> RecordValues.decode("{\"v\":1,".getBytes(UTF_8)));
    assertEquals("JSON batch: row 0 of \"c\" has 1 fields (expected: an array of 5)",
        assertThrows(IllegalArgumentException.class,
            () -> RecordValues.decode("{\"v\":1,\"c\":[[1]]}".getBytes(UTF_8))).getMessage());
    assertEquals("JSON batch: reason is null", assertThrows(IllegalArgumentException.class,
        () -> RecordValues.decode("{\"v\":1,\"c\":[[1,2,null,\"c\",3]]}".getBytes(UTF_8))).getMessage());
    assertEquals("record without a value",
        assertThrows(IllegalArgumentException.class, () -> RecordValues.decode(null)).getMessage());
  }

  private static SpanRow span(String traceId, String spanId) {
    return SpanRow.builder().projectId(7).traceId(traceId).spanId(spanId).startUs(1).endUs(2).build();
  }

  @Test
  void recordsAreKeyedByTraceAndBounded() {
    String other = "b".repeat(32);
    List<SpanRow> spans = new ArrayList<>();
    for (int i = 0; i < KafkaSpanWriter.MAX_ROWS_PER_RECORD + 10; i++) spans.add(span(TRACE, String.format("%016x", i + 1)));
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
  void settingsHaveDefaultsAndRefuseWhatTheyDoNotKnow() {
    KafkaSettings k = KafkaSettings.from(Map.of("bootstrap", "h:1"));
    assertEquals(new KafkaSettings("h:1", "spindle-rows", 12, (short) -1, "spindle-writers", 2000, 30_000), k);
    assertEquals(new KafkaSettings("h:1", "t", 4, (short) 3, "g", 5, 7), KafkaSettings.from(Map.of("bootstrap", "h:1",
        "topic", "t", "partitions", "4", "replication-factor", "3", "group", "g", "max-records-per-poll", "5",
        "write-timeout-ms", "7")));
    assertEquals("bootstrap: missing (expected: host:port[,host:port...])",
        assertThrows(IllegalArgumentException.class, () -> KafkaSettings.from(Map.of())).getMessage());
    assertEquals("bootstrap: empty (expected: host:port[,host:port...])",
        assertThrows(IllegalArgumentException.class, () -> KafkaSettings.from(Map.of("bootstrap", " "))).getMessage());
    assertEquals("partitions: 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
        () -> KafkaSettings.from(Map.of("bootstrap", "h:1", "partitions", "0"))).getMessage());
    assertEquals("partitions: 'x' (expected: a whole number)", assertThrows(IllegalArgumentException.class,
        () -> KafkaSettings.from(Map.of("bootstrap", "h:1", "partitions", "x"))).getMessage());
    assertEquals("unknown Kafka settings [topics] (expected: [bootstrap, group, max-records-per-poll, partitions, "
        + "replication-factor, topic, write-timeout-ms])", assertThrows(IllegalArgumentException.class,
        () -> KafkaSettings.from(Map.of("bootstrap", "h:1", "topics", "t"))).getMessage());
  }
}
