package dev.spindle.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.json.Json;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows as Kafka record values: a JSON object {@code {"v":1,"s":[...],"e":[...],"c":[...]}}
 * whose rows are arrays of their fields in record-component order (compact and versioned).
 */
final class BatchCodec {
  static final int VERSION = 1;

  private BatchCodec() {}

  static byte[] encode(WriteBatch b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + b.size() * 300);
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeArrayFieldStart("s");
      for (SpanRow r : b.spans()) {
        g.writeStartArray();
        g.writeNumber(r.projectId());
        g.writeString(r.traceId());
        g.writeString(r.spanId());
        g.writeString(r.parentSpanId());
        g.writeString(r.segmentId());
        g.writeBoolean(r.segment());
        g.writeString(r.transaction());
        g.writeString(r.transactionSource());
        g.writeString(r.op());
        g.writeString(r.description());
        g.writeString(r.status());
        g.writeNumber(r.startUs());
        g.writeNumber(r.endUs());
        tags(g, r.tags());
        g.writeString(r.dataJson());
        g.writeString(r.release());
        g.writeString(r.environment());
        g.writeString(r.user());
        g.writeNumber(r.sampleRate());
        g.writeString(r.service());
        g.writeString(r.platform());
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("e");
      for (ErrorRow r : b.errors()) {
        g.writeStartArray();
        g.writeNumber(r.projectId());
        g.writeString(r.eventId());
        g.writeString(r.traceId());
        g.writeString(r.spanId());
        g.writeNumber(r.timestampUs());
        g.writeString(r.level());
        g.writeString(r.message());
        g.writeString(r.exceptionType());
        g.writeString(r.transaction());
        tags(g, r.tags());
        g.writeString(r.release());
        g.writeString(r.environment());
        g.writeString(r.user());
        g.writeString(r.platform());
        g.writeString(r.payloadJson());
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("c");
      for (ClientReportRow r : b.clientReports()) {
        g.writeStartArray();
        g.writeNumber(r.projectId());
        g.writeNumber(r.timestampUs());
        g.writeString(r.reason());
        g.writeString(r.category());
        g.writeNumber(r.quantity());
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void tags(JsonGenerator g, Map<String, String> tags) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, String> t : tags.entrySet()) g.writeStringField(t.getKey(), t.getValue());
    g.writeEndObject();
  }

  /**
   * Decodes a record value.
   *
   * @throws IllegalArgumentException when it is not a batch this version understands
   */
  static WriteBatch decode(byte[] bytes) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || root.path("v").asInt() != VERSION) {
      throw new IllegalArgumentException("not a version " + VERSION + " batch");
    }
    List<SpanRow> spans = new ArrayList<>();
    for (JsonNode a : root.path("s")) {
      spans.add(new SpanRow(a.get(0).asLong(), str(a, 1), str(a, 2), str(a, 3), str(a, 4),
          a.get(5).asBoolean(), str(a, 6), str(a, 7), str(a, 8), str(a, 9), str(a, 10),
          a.get(11).asLong(), a.get(12).asLong(), tags(a.get(13)), str(a, 14), str(a, 15),
          str(a, 16), str(a, 17), a.get(18).asDouble(), str(a, 19), str(a, 20)));
    }
    List<ErrorRow> errors = new ArrayList<>();
    for (JsonNode a : root.path("e")) {
      errors.add(new ErrorRow(a.get(0).asLong(), str(a, 1), str(a, 2), str(a, 3), a.get(4).asLong(),
          str(a, 5), str(a, 6), str(a, 7), str(a, 8), tags(a.get(9)), str(a, 10), str(a, 11),
          str(a, 12), str(a, 13), str(a, 14)));
    }
    List<ClientReportRow> reports = new ArrayList<>();
    for (JsonNode a : root.path("c")) {
      reports.add(new ClientReportRow(a.get(0).asLong(), a.get(1).asLong(), str(a, 2), str(a, 3), a.get(4).asLong()));
    }
    return new WriteBatch(spans, errors, reports);
  }

  private static String str(JsonNode a, int i) {
    JsonNode n = a.get(i);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, String> tags(JsonNode o) {
    Map<String, String> m = new LinkedHashMap<>();
    if (o != null) o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }
}
