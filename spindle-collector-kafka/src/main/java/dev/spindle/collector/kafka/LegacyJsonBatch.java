package dev.spindle.collector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads record values written before the binary codec: a JSON object
 * {@code {"v":1,"s":[...],"e":[...],"c":[...]}} whose rows are arrays of their fields in
 * record-component order. Only read, so topics written by older ingest nodes drain after an upgrade.
 */
final class LegacyJsonBatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LegacyJsonBatch() {}

  /** @throws IllegalArgumentException when the bytes are not a version 1 JSON batch */
  static WriteBatch decode(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("JSON batch: not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || root.path("v").asInt() != 1) {
      throw new IllegalArgumentException("JSON batch: not version 1 (expected: {\"v\":1,...})");
    }
    try {
      List<SpanRow> spans = new ArrayList<>();
      for (JsonNode a : rows(root, "s", 21)) {
        spans.add(new SpanRow(a.get(0).asLong(), str(a, 1), str(a, 2), str(a, 3), str(a, 4),
            a.get(5).asBoolean(), str(a, 6), str(a, 7), null, str(a, 8), str(a, 9), str(a, 10),
            a.get(11).asLong(), a.get(12).asLong(), tags(a.get(13)), str(a, 14), str(a, 15),
            str(a, 16), str(a, 17), a.get(18).asDouble(), str(a, 19), str(a, 20)));
      }
      List<ErrorRow> errors = new ArrayList<>();
      for (JsonNode a : rows(root, "e", 15)) {
        errors.add(new ErrorRow(a.get(0).asLong(), str(a, 1), str(a, 2), str(a, 3), a.get(4).asLong(),
            str(a, 5), str(a, 6), str(a, 7), str(a, 8), tags(a.get(9)), str(a, 10), str(a, 11),
            str(a, 12), str(a, 13), str(a, 14)));
      }
      List<ClientReportRow> reports = new ArrayList<>();
      for (JsonNode a : rows(root, "c", 5)) {
        reports.add(new ClientReportRow(a.get(0).asLong(), a.get(1).asLong(), str(a, 2), str(a, 3), a.get(4).asLong()));
      }
      return new WriteBatch(spans, errors, reports);
    } catch (NullPointerException e) { // a required field is null
      throw new IllegalArgumentException("JSON batch: " + e.getMessage() + " is null", e);
    }
  }

  /** The rows of one table, each checked to be an array of {@code fields} values. */
  private static List<JsonNode> rows(JsonNode root, String table, int fields) {
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode a : root.path(table)) {
      if (!a.isArray() || a.size() != fields) {
        throw new IllegalArgumentException("JSON batch: row " + rows.size() + " of \"" + table + "\" has "
            + a.size() + " fields (expected: an array of " + fields + ")");
      }
      rows.add(a);
    }
    return rows;
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
