package dev.spindle.storage.tests;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A batch as an earlier release encoded it ({@code WriteBatchCodec}): ingest logs and Kafka topics
 * outlive releases, so these bytes must decode, and load, forever.
 */
public final class OldBatches {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  /** {@link #version1()} as version 1 wrote it (made by DuckDB's former {@code RowCodec}). */
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

  private OldBatches() {}

  /** The bytes of {@link #version1()} in version 1. */
  public static byte[] version1Bytes() {
    return HexFormat.of().parseHex(V1);
  }

  /** Every field of version 1 set (one tag each, so the bytes do not depend on map order) and every null. */
  public static WriteBatch version1() {
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
}
