package dev.spindle.storage.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.OldBatches;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one binary form of a write batch: every field survives, bad bytes are refused precisely. */
class WriteBatchCodecTest {
  /**
   * {@link #fixtureV2()} as version 2 writes it (the spans' {@code transactionOp} after their
   * {@code transactionSource}): these bytes must decode to that batch forever.
   */
  private static final String V2 =
      "020000000300000000000000070000002030616637363531393136636434336464383434386562323131633830333139" +
      "630000001062376164366237313639323033333331000000106137616436623731363932303333333100000020303066" +
      "30363761613062613930326237303066303637616130626139303262370100000007474554202fc3bc00000005726f75" +
      "74650000000b687474702e7365727665720000000b687474702e73657276657200000001640000000e696e7465726e61" +
      "6c5f6572726f7200000000000003e800000000000009c400000001000000016b0000000176000000077b2261223a317d" +
      "0000000272310000000470726f6400000001753fd000000000000000000003737663000000046a617661000000000000" +
      "000000000020306166373635313931366364343364643834343865623231316338303331396300000010303030303030" +
      "30303030303030303031ffffffffffffffff00ffffffffffffffffffffffffffffffffffffffff000000026f6b000000" +
      "0000000000000000000000000000000000ffffffffffffffffffffffffffffffff3ff0000000000000ffffffffffffff" +
      "ff0000000000000000000000203061663736353139313663643433646438343438656232313163383033313963000000" +
      "1030303030303030303030303030303032ffffffffffffffff00ffffffffffffffff0000000b687474702e7365727665" +
      "72ffffffffffffffff000000026f6b0000000000000000000000000000000000000000ffffffffffffffffffffffffff" +
      "ffffff3ff0000000000000ffffffffffffffff0000000200000000000000020000002066666666666666666666666666" +
      "666666666666666666666666666666666666660000002030616637363531393136636434336464383434386562323131" +
      "633830333139630000001030303030303030303030303030303031000000000000000500000005666174616c00000005" +
      "6d20e29c9300000001450000000174000000010000000161000000016200000001720000000165000000017500000004" +
      "6a617661000000027b7d0000000000000002000000206666666666666666666666666666666666666666666666666666" +
      "666666666666ffffffffffffffff0000000000000005000000056572726f72ffffffffffffffffffffffff00000000ff" +
      "ffffffffffffffffffffffffffffffffffffff00000001000000000000000100000000000000070000000e7175657565" +
      "5f6f766572666c6f770000000b7472616e73616374696f6e0000000000000003";

  /** {@link OldBatches#version1()} and a child span that knows its transaction's op. */
  private static WriteBatch fixtureV2() {
    WriteBatch b = OldBatches.version1();
    SpanRow child = b.spans().get(1).toBuilder().spanId("0000000000000002").transactionOp("http.server").build();
    return new WriteBatch(List.of(b.spans().get(0), b.spans().get(1), child), b.errors(), b.clientReports());
  }

  @Test
  void version1BytesOnDiskStillDecode() {
    WriteBatch decoded = WriteBatchCodec.decode(OldBatches.version1Bytes());
    assertEquals(OldBatches.version1(), decoded);
    assertEquals("http.server", decoded.spans().get(0).transactionOp(), "a transaction's op is its root's");
    assertNull(decoded.spans().get(1).transactionOp());
  }

  @Test
  void version2BytesOnDiskStillDecode() {
    byte[] v2 = HexFormat.of().parseHex(V2);
    assertEquals(fixtureV2(), WriteBatchCodec.decode(v2));
    assertArrayEquals(v2, WriteBatchCodec.encode(fixtureV2()));
  }

  @Test
  void roundTripsEveryFieldIncludingNullsAndSeveralTags() {
    SpanRow tagged = OldBatches.version1().spans().get(0).toBuilder()
        .tags(Map.of("a", "1", "b", "", "\u00fc", "\u2713 \"q\"")).build();
    ErrorRow errorTags = new ErrorRow(3, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", null, null, Long.MIN_VALUE,
        "warning", "", null, null, Map.of("x", "y", "z", "w"), null, null, null, null, null);
    WriteBatch b = new WriteBatch(
        List.of(tagged, OldBatches.version1().spans().get(1)), List.of(errorTags, OldBatches.version1().errors().get(1)),
        List.of(new ClientReportRow(Long.MAX_VALUE, 0, "r", "c", 0)));
    assertEquals(b, WriteBatchCodec.decode(WriteBatchCodec.encode(b)));
    WriteBatch empty = new WriteBatch(List.of(), List.of(), List.of());
    assertEquals(empty, WriteBatchCodec.decode(WriteBatchCodec.encode(empty)));
  }

  @Test
  void truncatedBytesAreRefusedSayingWhere() {
    byte[] bytes = WriteBatchCodec.encode(OldBatches.version1());
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
    byte[] bytes = WriteBatchCodec.encode(OldBatches.version1());
    bytes[0] = 9;
    assertEquals("batch version 9 (expected: 1 to 2)",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(bytes)).getMessage());
    assertEquals("batch version 123 (expected: 1 to 2)", assertThrows(IllegalArgumentException.class,
        () -> WriteBatchCodec.decode("{\"v\":1}".getBytes(UTF_8))).getMessage());

    byte[] trailing = Arrays.copyOf(WriteBatchCodec.encode(OldBatches.version1()), WriteBatchCodec.encode(OldBatches.version1()).length + 2);
    assertEquals("batch: 2 bytes after the last row",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(trailing)).getMessage());

    byte[] negative = ByteBuffer.allocate(13).put((byte) 1).putInt(-5).putInt(0).putInt(0).array();
    assertEquals("batch: span count: count -5 out of range (8 bytes left)",
        assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(negative)).getMessage());

    // Well-formed bytes whose span id is not hex: the row's own check, named with the row.
    byte[] badId = WriteBatchCodec.encode(WriteBatch.ofSpans(List.of(OldBatches.version1().spans().get(1))));
    int at = indexOf(badId, "0000000000000001".getBytes(UTF_8));
    badId[at] = 'X';
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WriteBatchCodec.decode(badId));
    assertTrue(e.getMessage().startsWith("batch: span 0: "), e.getMessage());

    // A null status (length -1) where the row requires one.
    byte[] noStatus = WriteBatchCodec.encode(WriteBatch.ofSpans(List.of(OldBatches.version1().spans().get(1))));
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
