package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.SpanRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Sentry payloads (transaction, event, span, client_report items) into storage rows,
 * validating ids and timestamps, sanitizing transaction names and scrubbing PII when asked.
 * An invalid transaction or event is refused (400); an invalid child span is dropped and counted
 * as a server outcome ({@code invalid_timestamps} or {@code invalid_id}, category {@code span}).
 */
final class SentryMapper {
  private final long projectId;
  private final boolean scrub;
  private final long nowUs;
  private final TransactionNames.Naming naming;
  final List<SpanRow> spans = new ArrayList<>();
  final List<ErrorRow> errors = new ArrayList<>();
  final List<ClientReportRow> reports = new ArrayList<>();
  private final Map<String, Long> dropped = new LinkedHashMap<>();
  /** The data JSON of the row being mapped. */
  private final StringBuilder json = new StringBuilder(256);

  SentryMapper(long projectId, boolean scrub, long nowUs, TransactionNames.Naming naming) {
    this.projectId = projectId;
    this.scrub = scrub;
    this.nowUs = nowUs;
    this.naming = naming;
  }

  /** Adds a server outcome for every counted drop; call once after mapping. */
  void finish() {
    dropped.forEach((reason, n) -> reports.add(new ClientReportRow(projectId, nowUs, reason, "span", n)));
  }

  private void drop(String reason) {
    dropped.merge(reason, 1L, Long::sum);
  }

  /** Maps the {@code transaction} item {@code [offset, offset + length)} of {@code bytes}. */
  String transaction(byte[] bytes, int offset, int length, String envelopeEventId, EnvelopeDsc dsc) {
    TransactionItem t = TransactionItem.read(bytes, offset, length, scrub);
    String eventId = Ids.eventId(t.eventId);
    if (eventId == null) eventId = Ids.eventId(envelopeEventId);
    if (eventId == null) throw IngestException.malformed("transaction: missing or invalid event_id");
    TransactionItem.Span trace = t.trace;
    String traceId = Ids.traceId(trace.traceId);
    String spanId = Ids.spanId(trace.spanId);
    if (traceId == null) {
      throw IngestException.malformed("transaction: invalid contexts.trace.trace_id '" + trace.traceId + "'");
    }
    if (spanId == null) {
      throw IngestException.malformed("transaction: invalid contexts.trace.span_id '" + trace.spanId + "'");
    }
    String parent = Ids.spanId(trace.parentSpanId);
    Long start = t.startUs;
    Long end = t.endUs;
    if (start == null) throw IngestException.malformed("transaction: missing or invalid start_timestamp");
    if (end == null) throw IngestException.malformed("transaction: missing or invalid timestamp");
    if (start > end) throw IngestException.malformed("transaction: start_timestamp is after timestamp");
    String untimely = TimeWindow.refusal(start, end, nowUs);
    if (untimely != null) throw IngestException.malformed("transaction: " + untimely);

    TransactionNames.Named named = naming.name(t.name, t.source);
    Double ownRate = Double.isNaN(trace.sampleRate) ? null : trace.sampleRate;
    double sampleRate = validRate(ownRate != null ? ownRate : dsc.sampleRate());
    SpanRow root = SpanRow.builder().projectId(projectId).traceId(traceId).spanId(spanId)
        .parentSpanId(parent).segmentId(eventId).segment(true).transaction(named.name())
        .transactionSource(named.source()).op(trace.op).description(text(trace.description))
        .status(status(trace.status)).startUs(start).endUs(end).tags(scrubbedTags(t.tags))
        .dataJson(data(t, trace.data, t.measurements, trace.origin, dsc.fingerprint(), dsc.samplingChanged(ownRate)))
        .release(t.release).environment(t.environment).user(t.user).sampleRate(sampleRate)
        .service(t.tags.get("service.name")).platform(t.platform).build();
    spans.add(root);
    for (TransactionItem.Span s : t.spans) {
      SpanRow row = childSpan(t, s, root);
      if (row != null) spans.add(row);
    }
    return eventId;
  }

  private SpanRow childSpan(TransactionItem t, TransactionItem.Span s, SpanRow root) {
    if (!s.object) {
      drop("invalid_span");
      return null;
    }
    String spanId = Ids.spanId(s.spanId);
    if (spanId == null || s.traceId != null && !root.traceId().equals(Ids.traceId(s.traceId))) {
      drop("invalid_id");
      return null;
    }
    String parent = Ids.spanId(s.parentSpanId);
    Long start = s.startUs;
    Long end = s.endUs;
    if (start == null || end == null || start > end) {
      drop("invalid_timestamps");
      return null;
    }
    if (!TimeWindow.accepts(start, end, nowUs)) {
      drop(TimeWindow.OUTCOME);
      return null;
    }
    // The transaction's fields, as its root row has them (no builder: this runs for every span).
    return new SpanRow(root.projectId(), root.traceId(), spanId,
        parent == null ? root.spanId() : parent, root.segmentId(), false, root.transaction(),
        root.transactionSource(), root.transactionOp(), s.op, text(s.description), status(s.status),
        start, end, scrubbedTags(s.tags), data(t, s.data, null, s.origin, null, false), root.release(),
        root.environment(), root.user(), root.sampleRate(), root.service(), root.platform());
  }

  /** Maps a standalone {@code span} item (Sentry span JSON v1, or v2 with {@code items}). */
  void span(JsonNode s, double dscSampleRate, String release, String environment) {
    if (s.isObject() && s.get("items") != null && s.get("items").isArray()) {
      for (JsonNode i : s.get("items")) span(i, dscSampleRate, release, environment);
      return;
    }
    if (!s.isObject()) throw IngestException.malformed("span: expected a JSON object");
    String traceId = Ids.traceId(Json.str(s, "trace_id"));
    String spanId = Ids.spanId(Json.str(s, "span_id"));
    if (traceId == null || spanId == null) {
      drop("invalid_id");
      return;
    }
    Long start = Timestamps.micros(s.get("start_timestamp"));
    Long end = Timestamps.micros(s.has("end_timestamp") ? s.get("end_timestamp") : s.get("timestamp"));
    if (start == null || end == null || start > end) {
      drop("invalid_timestamps");
      return;
    }
    if (!TimeWindow.accepts(start, end, nowUs)) {
      drop(TimeWindow.OUTCOME);
      return;
    }
    String parent = Ids.spanId(Json.str(s, "parent_span_id"));
    boolean isSegment = s.path("is_segment").asBoolean(parent == null);
    String name = Json.str(s, "name");
    String description = Json.str(s, "description");
    if (description == null) description = name;
    JsonNode attrs = s.get("attributes");
    ObjectNode data = Json.object();
    if (s.get("data") != null && s.get("data").isObject()) data.set("data", s.get("data"));
    if (attrs != null && attrs.isObject()) data.set("attributes", attrs);
    String op = Json.str(s, "op");
    if (op == null && attrs != null) op = Json.str(attrs.path("sentry.op"), "value");
    String txName = Json.str(s, "segment_name");
    if (txName == null && isSegment) txName = name != null ? name : description;
    Map<String, String> tags = tags(s.get("tags"));
    spans.add(SpanRow.builder().projectId(projectId).traceId(traceId).spanId(spanId)
        .parentSpanId(parent).segmentId(segmentId(Json.str(s, "segment_id"), traceId))
        .segment(isSegment).transaction(txName)
        .op(op).description(text(description)).status(status(Json.str(s, "status")))
        .startUs(start).endUs(end).tags(scrubbedTags(tags))
        .dataJson(data(data)).release(release).environment(environment)
        .sampleRate(validRate(dscSampleRate)).build());
  }

  /** Rows keep 32-hex segment ids; span-v2 segment ids are span ids (16 hex), padded; null when invalid. */
  static String segmentId(String raw, String traceId) {
    String eventId = Ids.eventId(raw);
    if (eventId != null) return eventId;
    String spanId = Ids.spanId(raw);
    return spanId == null ? null : Segments.eventId(traceId, spanId);
  }

  /** Maps an {@code event} item (an error). */
  String event(JsonNode e, String envelopeEventId) {
    if (!e.isObject()) throw IngestException.malformed("event: expected a JSON object");
    String eventId = Ids.eventId(Json.str(e, "event_id"));
    if (eventId == null) eventId = Ids.eventId(envelopeEventId);
    if (eventId == null) throw IngestException.malformed("event: missing or invalid event_id");
    Long ts = Timestamps.micros(e.get("timestamp"));
    if (ts == null) ts = nowUs;
    JsonNode trace = e.path("contexts").path("trace");
    String traceId = Ids.traceId(Json.str(trace, "trace_id"));
    String spanId = Ids.spanId(Json.str(trace, "span_id"));
    String type = null;
    String message = null;
    JsonNode values = e.path("exception").path("values");
    if (!values.isArray()) values = e.path("exception");
    if (values.isArray() && values.size() > 0) {
      JsonNode last = values.get(values.size() - 1);
      type = Json.str(last, "type");
      message = Json.str(last, "value");
      if (message == null) message = type;
    }
    if (message == null) {
      JsonNode m = e.get("message");
      if (m != null && m.isTextual()) message = m.asText();
      else if (m != null && m.isObject()) {
        message = Json.str(m, "formatted");
        if (message == null) message = Json.str(m, "message");
      }
    }
    if (message == null) message = Json.str(e.path("logentry"), "formatted");
    if (message == null) message = Json.str(e.path("logentry"), "message");
    Map<String, String> tags = tags(e.get("tags"));
    if (scrub) {
      Scrubber.scrubTree(e);
      tags = Scrubber.scrubTags(tags);
      message = Scrubber.scrubText(message);
    }
    errors.add(new ErrorRow(projectId, eventId, traceId, spanId, ts, Json.str(e, "level"),
        text(message), type, Json.str(e, "transaction"), tags, Json.str(e, "release"),
        Json.str(e, "environment"), user(e.get("user")), Json.str(e, "platform"), Json.text(e)));
    return eventId;
  }

  /** Maps a {@code client_report} item. */
  void clientReport(JsonNode r) {
    if (!r.isObject()) throw IngestException.malformed("client_report: expected a JSON object");
    Long ts = Timestamps.micros(r.get("timestamp"));
    long at = ts == null ? nowUs : ts;
    for (String field : new String[] {"discarded_events", "rate_limited_events", "filtered_events"}) {
      JsonNode list = r.get(field);
      if (list == null || !list.isArray()) continue;
      for (JsonNode d : list) {
        String reason = Json.str(d, "reason");
        String category = Json.str(d, "category");
        long q = d.path("quantity").asLong(0);
        if (reason == null || category == null || q <= 0) continue;
        reports.add(new ClientReportRow(projectId, at, reason, category, q));
      }
    }
  }

  /**
   * The row's data JSON, {@code {"data":..,"measurements":..,"origin":..}} with what the span has
   * (as the tree of {@link #data(ObjectNode)} writes it, scrubbed when asked), then what ingestion
   * adds to a transaction's root: its context's fingerprint and whether the sampling changed
   * ({@link EnvelopeDsc}); null when there is nothing.
   */
  private String data(TransactionItem t, TransactionItem.Raw data, TransactionItem.Raw measurements, String origin,
      String dscFingerprint, boolean samplingChanged) {
    if (data == null && measurements == null && origin == null && dscFingerprint == null && !samplingChanged) {
      return null;
    }
    StringBuilder b = json;
    b.setLength(0);
    char sep = '{';
    if (data != null) {
      t.append(b.append(sep).append("\"data\":"), data);
      sep = ',';
    }
    if (measurements != null) {
      t.append(b.append(sep).append("\"measurements\":"), measurements);
      sep = ',';
    }
    if (origin != null) {
      appendString(b.append(sep).append("\"origin\":"), text(origin));
      sep = ',';
    }
    // what ingestion adds (never scrubbed: a fingerprint of digits only would look like a card)
    if (dscFingerprint != null) {
      appendString(b.append(sep).append('"').append(ServiceMapSql.DSC_KEY).append("\":"), dscFingerprint);
      sep = ',';
    }
    if (samplingChanged) b.append(sep).append('"').append(ServiceMapSql.SAMPLING_CHANGED_KEY).append("\":true");
    return b.append('}').toString();
  }

  /** A JSON string as Jackson writes it (escaped by Jackson itself in the rare case it needs escapes). */
  private static void appendString(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        b.append(Json.text(TextNode.valueOf(s)));
        return;
      }
    }
    b.append('"').append(s).append('"');
  }

  private Map<String, String> scrubbedTags(Map<String, String> tags) {
    return scrub ? Scrubber.scrubTags(tags) : tags;
  }

  /** The row's data JSON: the payload's own nodes (scrubbed in place when asked), or null. */
  private String data(ObjectNode data) {
    if (data.isEmpty()) return null;
    if (scrub) Scrubber.scrubTree(data);
    return Json.text(data);
  }

  private String text(String s) {
    return scrub ? Scrubber.scrubText(s) : s;
  }

  static String status(String s) {
    return SpanStatus.normalize(s).protocolName();
  }

  static double validRate(double r) {
    return r > 0 && r <= 1 ? r : 1.0;
  }

  /** Tags as an object or as a list of [key, value] pairs; values as text. */
  static Map<String, String> tags(JsonNode t) {
    Map<String, String> out = new LinkedHashMap<>();
    if (t == null) return out;
    if (t.isObject()) {
      for (Map.Entry<String, JsonNode> e : t.properties()) {
        if (e.getValue() != null && !e.getValue().isNull() && !e.getValue().isContainerNode()) {
          out.put(e.getKey(), e.getValue().asText());
        }
      }
    } else if (t.isArray()) {
      for (JsonNode pair : t) {
        if (pair.isArray() && pair.size() == 2 && !pair.get(1).isNull()) {
          out.put(pair.get(0).asText(), pair.get(1).asText());
        }
      }
    }
    return out;
  }

  /** A stable user key: {@code id:...}, else email, username or ip. */
  static String user(JsonNode u) {
    if (u == null || !u.isObject()) return null;
    String[][] keys = {{"id", "id"}, {"email", "email"}, {"username", "username"}, {"ip_address", "ip"}};
    for (String[] k : keys) {
      String v = Json.str(u, k[0]);
      if (v != null && !v.isEmpty() && !"{{auto}}".equals(v)) return k[1] + ":" + v;
    }
    return null;
  }
}
