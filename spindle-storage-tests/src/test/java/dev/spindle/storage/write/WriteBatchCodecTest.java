package dev.spindle.storage.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one binary form of a write batch: every field survives, bad bytes are refused precisely. */
class WriteBatchCodecTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  /**
   * {@link #fixture()} as version 1 wrote it (made by DuckDB's former {@code RowCodec}, whose
   * ingest logs are on disk): these bytes must decode to that batch forever.
   */
  private static final String V1 =
      "010000000200000000000000070000002030616637363531393136636434336464383434386562323131633830333139" +
      "630000001062376164366237313639323033333331000000106137616436623731363932303333333100000020303066" +
      "30363761613062613930326237303066303637616130626139303262370100000007474554202fc3bc00000005726f75" +
      "74650000000b687474702e73657276657200000001640000000e696e7465726e616c5f6572726f7200000000000003e8" +
      "00000000000009c400000001000000016b0000000176000000077b2261223a317d0000000272310000000470726f6400" +
      "000001753fd000000000000000000003737663000000046a617661000000000000000000000020306166373635313931" +
      "36636434336464383434386562323131633830333139630000001030303030303030303030303030303031ffffffffff" +
      "ffffff00ffffffffffffffffffffffffffffffff000000026f6b0000000000000000000000000000000000000000ffff" +
      "ffffffffffffffffffffffffffff3ff0000000000000ffffffffffffffff000000020000000000000002000000206666" +
      "666666666666666666666666666666666666666666666666666666666666000000203061663736353139313663643433" +
      "646438343438656232313163383033313963000000103030303030303030303030303030303100000000000000050000" +
      "0005666174616c000000056d20e29c930000000145000000017400000001000000016100000001620000000172000000" +
      "01650000000175000000046a617661000000027b7d000000000000000200000020666666666666666666666666666666" +
      "6666666666666666666666666666666666ffffffffffffffff0000000000000005000000056572726f72ffffffffffff" +
      "ffffffffffff00000000ffffffffffffffffffffffffffffffffffffffff000000010000000000000001000000000000" +
      "00070000000e71756575655f6f766572666c6f770000000b7472616e73616374696f6e0000000000000003";

  /** Every field set (one tag each, so the bytes do not depend on map order) and every null. */
  private static WriteBatch fixture() {
    SpanRow full = SpanRow.builder().projectId(7).traceId(TRACE)
        .spanId("b7ad6b7169203331").parentSpanId("a7ad6b7169203331").segmentId("00f067aa0ba902b700f067aa0ba902b7")
        .segment(true).transaction("GET /\u00fc").transactionSource("route").op("http.server").description("d")
        .status("internal_error").startUs(1_000).endUs(2_500).tag("k", "v").dataJson("{\"a\":1}")
        .release("r1").environment("prod").user("u").sampleRate(0.25).service("svc").platform("java").build();
    SpanRow bare = SpanRow.builder().traceId(TRACE).spanId("0000000000000001").build();
    ErrorRow error = new ErrorRow(2, "ffffffffffffffffffffffffffffffff", TRACE, "0000000000000001", 5,
        "fatal", "m \u2713", "E", "t", Map.of("a", "b"), "r", "e", "u", "java", "{}");
    ErrorRow bareError = new ErrorRow(2, "ffffffffffffffffffffffffffffffff", null, null, 5, null,
        null, null, null, null, null, null, null, null, null);
    return new WriteBatch(List.of(full, bare), List.of(error, bareError),
        List.of(new ClientReportRow(1, 7, "queue_overflow", "transaction", 3)));
  }

  @Test
  void version1BytesOnDiskStillDecode() {
    byte[] v1 = HexFormat.of().parseHex(V1);
    assertEquals(fixture(), WriteBatchCodec.decode(v1));
    assertArrayEquals(v1, WriteBatchCodec.encode(fixture()));
  }

  @Test
  void roundTripsEveryFieldIncludingNullsAndSeveralTags() {
    SpanRow tagged = fixture().spans().get(0).toBuilder()
        .tags(Map.of("a", "1", "b", "", "\u00fc", "\u2713 \"q\"")).build();
    ErrorRow errorTags = new ErrorRow(3, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", null, null, Long.MIN_VALUE,
        "warning", "", null, null, Map.of("x", "y", "z", "w"), null, null, null, null, null);
    WriteBatch b = new WriteBatch(
        List.of(tagged, fixture().spans().get(1)), List.of(errorTags, fixture().errors().get(1)),
        List.of(new ClientReportRow(Long.MAX_VALUE, 0, "r", "c", 0)));
    assertEquals(b, WriteBatchCodec.decode(WriteBatchCodec.encode(b)));
    WriteBatch empty = new WriteBatch(List.of(), List.of(), List.of());
    assertEquals(empty, WriteBatchCodec.decode(WriteBatchCodec.encode(empty)));
  }

  @Test
  void truncatedBytesAreRefusedSayingWhere() {
    byte[] bytes = WriteBatchCodec.encode(fixture());
    for (int n = 1; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(cut), "cut at " + n);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WriteBatchCodec.decode(Arrays.copyOf(bytes, 30)));
    assertEquals("batch: span 0: string length 32 out of range (13 bytes left)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(Arrays.copyOf(bytes, 3)));
    assertEquals("batch ends early, in span count (3 bytes)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(new byte[0]));
    assertEquals("batch: empty (expected: a version byte and rows)", e.getMessage());
  }

  @Test
  void garbageIsRefusedSayingWhy() {
    byte[] bytes = WriteBatchCodec.encode(fixture());
    bytes[0] = 9;
    assertEquals("batch version 9 (expected: 1)",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(bytes)).getMessage());
    assertEquals("batch version 123 (expected: 1)", assertThrows(IllegalArgumentException.class,
        () -> WriteBatchCodec.decode("{\"v\":1}".getBytes(UTF_8))).getMessage());

    byte[] trailing = Arrays.copyOf(WriteBatchCodec.encode(fixture()), WriteBatchCodec.encode(fixture()).length + 2);
    assertEquals("batch: 2 bytes after the last row",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(trailing)).getMessage());

    byte[] negative = ByteBuffer.allocate(13).put((byte) 1).putInt(-5).putInt(0).putInt(0).array();
    assertEquals("batch: span count: count -5 out of range (8 bytes left)",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(negative)).getMessage());

    // Well-formed bytes whose span id is not hex: the row's own check, named with the row.
    byte[] badId = WriteBatchCodec.encode(WriteBatch.ofSpans(List.of(fixture().spans().get(1))));
    int at = indexOf(badId, "0000000000000001".getBytes(UTF_8));
    badId[at] = 'X';
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(badId));
    assertTrue(e.getMessage().startsWith("batch: span 0: "), e.getMessage());

    // A null status (length -1) where the row requires one.
    byte[] noStatus = WriteBatchCodec.encode(WriteBatch.ofSpans(List.of(fixture().spans().get(1))));
    int status = indexOf(noStatus, "ok".getBytes(UTF_8)) - 4;
    byte[] patched = new byte[noStatus.length - 2];
    System.arraycopy(noStatus, 0, patched, 0, status);
    ByteBuffer.wrap(patched, status, 4).putInt(-1);
    System.arraycopy(noStatus, status + 6, patched, status + 4, noStatus.length - status - 6);
    assertEquals("batch: span 0: status",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(patched)).getMessage());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }
}
