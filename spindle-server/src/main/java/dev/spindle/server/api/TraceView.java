package dev.spindle.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ClockSkew;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.ServiceMapSql;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.TraceData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the trace response: transactions (segments) with their child spans, the orphan flag
 * (a parent span id that names no span of the trace) and the clock-skew shift, plus errors.
 *
 * <p>Clock skew: a child transaction started by a span of another transaction must not start
 * before that span, nor end after it when it fits inside; otherwise the whole child transaction
 * (its spans too) is shifted by {@code skewAdjustedMs} ({@link ClockSkew#shift}, the rule the
 * service map measures skews by). Parents are adjusted before children, so
 * shifts compose along the trace.
 */
final class TraceView {
  private TraceView() {}

  static ObjectNode render(TraceData t) {
    Map<String, SpanRow> byId = new HashMap<>();
    for (SpanRow s : t.spans()) byId.putIfAbsent(s.spanId(), s);
    List<SpanRow> segments = new ArrayList<>();
    Map<String, List<SpanRow>> children = new LinkedHashMap<>();
    List<SpanRow> loose = new ArrayList<>();
    for (SpanRow s : t.spans()) {
      if (s.segment()) {
        segments.add(s);
        children.computeIfAbsent(s.spanId(), k -> new ArrayList<>());
      }
    }
    for (SpanRow s : t.spans()) {
      if (s.segment()) continue;
      SpanRow seg = segmentOf(s, byId);
      if (seg == null) loose.add(s);
      else children.get(seg.spanId()).add(s);
    }
    // Parents before children: sort segments by depth in the span tree, then by start.
    Map<String, Integer> depth = new HashMap<>();
    for (SpanRow s : segments) depth.put(s.spanId(), depth(s, byId));
    segments.sort(Comparator.<SpanRow>comparingInt(s -> depth.get(s.spanId()))
        .thenComparingLong(SpanRow::startUs));

    Map<String, Long> shiftOfSpan = new HashMap<>(); // span id -> applied shift (us)
    Map<String, ObjectNode> rendered = new HashMap<>();
    for (SpanRow seg : segments) {
      SpanRow parent = seg.parentSpanId() == null ? null : byId.get(seg.parentSpanId());
      boolean orphan = seg.parentSpanId() != null && parent == null;
      long inherited = parent == null ? 0 : shiftOfSpan.getOrDefault(parent.spanId(), 0L);
      Long skew = null;
      long shift = inherited;
      if (parent != null) {
        long extra = ClockSkew.shift(parent.startUs(), parent.endUs(), seg.startUs(), seg.endUs());
        if (extra != 0) {
          skew = extra;
          shift += extra;
        }
      }
      shiftOfSpan.put(seg.spanId(), shift);
      List<SpanRow> kids = children.get(seg.spanId());
      for (SpanRow k : kids) shiftOfSpan.put(k.spanId(), shift);

      ObjectNode o = Json.object();
      o.put("eventId", seg.segmentId());
      o.put("projectId", seg.projectId());
      o.put("name", seg.transaction());
      o.put("op", seg.op());
      o.put("status", seg.status());
      o.put("spanId", seg.spanId());
      o.put("parentSpanId", seg.parentSpanId());
      o.put("startTimestamp", Timestamps.seconds(seg.startUs() + shift));
      o.put("timestamp", Timestamps.seconds(seg.endUs() + shift));
      o.put("orphan", orphan);
      if (skew == null) o.putNull("skewAdjustedMs");
      else o.put("skewAdjustedMs", skew / 1000.0);
      o.put("transactionSource", seg.transactionSource());
      o.put("service", seg.service());
      o.put("release", seg.release());
      o.put("environment", seg.environment());
      o.put("platform", seg.platform());
      o.set("tags", Json.MAPPER.valueToTree(seg.tags()));
      putData(o, seg.dataJson());
      ArrayNode spans = o.putArray("spans");
      for (SpanRow k : kids) spans.add(span(k, shift));
      rendered.put(seg.spanId(), o);
    }
    ObjectNode out = Json.object();
    out.put("traceId", t.traceId());
    ArrayNode txs = out.putArray("transactions");
    segments.sort(Comparator.comparingDouble(
        (SpanRow s) -> rendered.get(s.spanId()).get("startTimestamp").asDouble()).thenComparing(SpanRow::spanId));
    for (SpanRow s : segments) txs.add(rendered.get(s.spanId()));
    ArrayNode errs = out.putArray("errors");
    for (ErrorRow e : t.errors()) errs.add(error(e));
    ArrayNode looseOut = out.putArray("looseSpans");
    for (SpanRow s : loose) looseOut.add(span(s, 0));
    return out;
  }

  private static SpanRow segmentOf(SpanRow s, Map<String, SpanRow> byId) {
    SpanRow cur = s;
    for (int hops = 0; hops < 10_000 && cur.parentSpanId() != null; hops++) {
      SpanRow p = byId.get(cur.parentSpanId());
      if (p == null) break;
      if (p.segment()) return p;
      cur = p;
    }
    // A stored segment id still names the transaction when the chain is broken.
    if (s.segmentId() != null) {
      for (SpanRow c : byId.values()) {
        if (c.segment() && s.segmentId().equals(c.segmentId())) return c;
      }
    }
    return null;
  }

  private static int depth(SpanRow s, Map<String, SpanRow> byId) {
    int d = 0;
    SpanRow cur = s;
    while (cur.parentSpanId() != null && d < 10_000) {
      SpanRow p = byId.get(cur.parentSpanId());
      if (p == null) break;
      cur = p;
      d++;
    }
    return d;
  }

  private static ObjectNode span(SpanRow s, long shift) {
    ObjectNode o = Json.object();
    o.put("spanId", s.spanId());
    o.put("parentSpanId", s.parentSpanId());
    o.put("op", s.op());
    o.put("description", s.description());
    o.put("status", s.status());
    o.put("startTimestamp", Timestamps.seconds(s.startUs() + shift));
    o.put("timestamp", Timestamps.seconds(s.endUs() + shift));
    o.set("tags", Json.MAPPER.valueToTree(s.tags()));
    putData(o, s.dataJson());
    return o;
  }

  static ObjectNode error(ErrorRow e) {
    ObjectNode o = Json.object();
    o.put("eventId", e.eventId());
    o.put("projectId", e.projectId());
    o.put("traceId", e.traceId());
    o.put("spanId", e.spanId());
    o.put("message", e.message());
    o.put("level", e.level());
    o.put("exceptionType", e.exceptionType());
    o.put("transaction", e.transaction());
    o.put("timestamp", Timestamps.seconds(e.timestampUs()));
    o.put("release", e.release());
    o.put("environment", e.environment());
    o.set("tags", Json.MAPPER.valueToTree(e.tags()));
    return o;
  }

  /**
   * Writes a span's stored extras as the API shows them: {@code data} (the span's data, or an
   * OTLP span's attributes), and {@code origin} and {@code measurements} beside it when present.
   */
  private static void putData(ObjectNode o, String json) {
    JsonNode stored = data(json);
    if (!stored.isObject()) stored = Json.object();
    JsonNode data = stored.get("data");
    if (data == null || !data.isObject()) data = stored.get("attributes");
    if (data == null || !data.isObject()) {
      // OTLP spans keep their attributes at the top level (beside them: what ingestion adds)
      ObjectNode rest = ((ObjectNode) stored).deepCopy();
      rest.remove(List.of("origin", "measurements", ServiceMapSql.DSC_KEY, ServiceMapSql.SAMPLING_CHANGED_KEY));
      data = rest;
    }
    o.set("data", data);
    JsonNode origin = stored.get("origin");
    if (origin != null && origin.isTextual()) o.put("origin", origin.asText());
    JsonNode measurements = stored.get("measurements");
    if (measurements != null && measurements.isObject()) o.set("measurements", measurements);
  }

  private static JsonNode data(String json) {
    if (json == null) return Json.object();
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      return Json.object();
    }
  }
}
