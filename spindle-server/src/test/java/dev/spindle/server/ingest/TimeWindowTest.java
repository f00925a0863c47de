package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.spindle.storage.ClientReportRow;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one time window, as every mapper applies it. */
class TimeWindowTest {
  static final long NOW = 1_700_000_000_000_000L;
  static final long DAY = 86_400_000_000L;

  @Test
  void acceptsThirtyDaysBackAndOneDayAheadInclusive() {
    assertNull(TimeWindow.refusal(NOW - 30 * DAY, NOW - 30 * DAY + 1, NOW));
    assertNull(TimeWindow.refusal(NOW + DAY - 1, NOW + DAY, NOW));
    assertTrue(TimeWindow.refusal(NOW - 30 * DAY - 1, NOW, NOW).contains("more than 30 days before"));
    assertTrue(TimeWindow.refusal(NOW, NOW + DAY + 1, NOW).contains("more than 1 day after"));
  }

  @Test
  void everyMapperDropsUntimelySpansAsTheSameOutcome() {
    SentryMapper m = new SentryMapper(1, false, NOW, TransactionNames.FIXED);
    double old = (NOW - 31 * DAY) / 1e6;
    m.span(ProcessingTest.json("{\"trace_id\":\"" + "ab".repeat(16) + "\",\"span_id\":\"" + "cd".repeat(8)
        + "\",\"start_timestamp\":" + old + ",\"timestamp\":" + (old + 1) + "}"), 1.0, null, null);
    m.finish();
    assertEquals(List.of(new ClientReportRow(1, NOW, TimeWindow.OUTCOME, "span", 1)), m.reports);
    long aheadNs = (NOW + 2 * DAY) * 1000;
    ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
            .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
            .setStartTimeUnixNano(aheadNs).setEndTimeUnixNano(aheadNs + 1000)))).build();
    OtlpMapper.Mapped otlp = OtlpMapper.map(req, 1, false, NOW, TransactionNames.FIXED);
    assertEquals(List.of(new ClientReportRow(1, NOW, TimeWindow.OUTCOME, "span", 1)), otlp.drops());
    OtlpMapper.Mapped zipkin = ZipkinMapper.map(List.of(zipkin2.Span.newBuilder().traceId("ab".repeat(16))
        .id("cd".repeat(8)).timestamp(NOW - 31 * DAY).duration(5).build()), 1, false, NOW, TransactionNames.FIXED);
    assertEquals(List.of(new ClientReportRow(1, NOW, TimeWindow.OUTCOME, "span", 1)), zipkin.drops());
    assertEquals("1 spans refused: 1 timestamp (starts more than 30 days before or ends more than 1 day after it was received)",
        Rejections.describe(otlp.drops()));
  }
}
