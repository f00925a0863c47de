package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import dev.spindle.server.json.Json;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.SpanRow;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP/HTTP traces (protobuf or JSON) to span rows. A span whose parent is absent, or flagged
 * remote, is a transaction root (segment) named after {@code http.route} (or its name); a span
 * whose parent is in the same request joins that parent's segment; others keep no segment and are
 * attached to their ancestor's transaction when the trace is read. {@code service.name} becomes
 * the service; OTel status and HTTP/gRPC codes map to Sentry statuses; the kind maps to an op.
 */
final class OtlpMapper {
  private static final int HAS_IS_REMOTE = 0x100;
  private static final int IS_REMOTE = 0x200;

  private OtlpMapper() {}

  static ExportTraceServiceRequest parseProtobuf(byte[] body) {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw IngestException.malformed("OTLP: invalid protobuf: " + e.getMessage());
    }
  }

  /** OTLP/JSON: ids are hex, enums numbers, 64-bit integers numbers or strings. */
  static ExportTraceServiceRequest parseJson(byte[] body) {
    JsonNode root = Json.parse(body, 0, body.length, "OTLP JSON");
    if (!root.isObject()) throw IngestException.malformed("OTLP JSON: expected an object");
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (JsonNode rs : array(root, "resourceSpans")) {
      ResourceSpans.Builder rsb = ResourceSpans.newBuilder();
      rsb.setResource(Resource.newBuilder().addAllAttributes(attributes(rs.path("resource").get("attributes"))));
      for (JsonNode ss : array(rs, "scopeSpans")) {
        ScopeSpans.Builder ssb = ScopeSpans.newBuilder();
        for (JsonNode s : array(ss, "spans")) {
          Span.Builder sb = Span.newBuilder()
              .setTraceId(hexBytes(Json.str(s, "traceId"), "traceId"))
              .setSpanId(hexBytes(Json.str(s, "spanId"), "spanId"))
              .setName(s.path("name").asText(""))
              .setKindValue(s.path("kind").asInt(0))
              .setStartTimeUnixNano(s.path("startTimeUnixNano").asLong(0))
              .setEndTimeUnixNano(s.path("endTimeUnixNano").asLong(0))
              .setFlags(s.path("flags").asInt(0))
              .addAllAttributes(attributes(s.get("attributes")));
          String parent = Json.str(s, "parentSpanId");
          if (parent != null && !parent.isEmpty()) sb.setParentSpanId(hexBytes(parent, "parentSpanId"));
          JsonNode st = s.get("status");
          if (st != null && st.isObject()) {
            sb.setStatus(Status.newBuilder().setCodeValue(st.path("code").asInt(0))
                .setMessage(st.path("message").asText("")));
          }
          ssb.addSpans(sb);
        }
        rsb.addScopeSpans(ssb);
      }
      req.addResourceSpans(rsb);
    }
    return req.build();
  }

  private static Iterable<JsonNode> array(JsonNode n, String field) {
    JsonNode a = n == null ? null : n.get(field);
    return a != null && a.isArray() ? a : List.of();
  }

  private static ByteString hexBytes(String hex, String what) {
    if (hex == null) return ByteString.EMPTY;
    if (hex.length() % 2 != 0 || hex.length() > 64) {
      throw IngestException.malformed("OTLP JSON: " + what + " is not hex: '" + hex + "'");
    }
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) throw IngestException.malformed("OTLP JSON: " + what + " is not hex: '" + hex + "'");
      b[i] = (byte) (hi << 4 | lo);
    }
    return ByteString.copyFrom(b);
  }

  private static List<KeyValue> attributes(JsonNode list) {
    List<KeyValue> out = new ArrayList<>();
    if (list == null || !list.isArray()) return out;
    for (JsonNode kv : list) {
      String key = Json.str(kv, "key");
      if (key == null) continue;
      out.add(KeyValue.newBuilder().setKey(key).setValue(anyValue(kv.get("value"))).build());
    }
    return out;
  }

  private static AnyValue anyValue(JsonNode v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v == null || !v.isObject()) return b.build();
    if (v.has("stringValue")) return b.setStringValue(v.get("stringValue").asText()).build();
    if (v.has("boolValue")) return b.setBoolValue(v.get("boolValue").asBoolean()).build();
    if (v.has("intValue")) return b.setIntValue(v.get("intValue").asLong()).build();
    if (v.has("doubleValue")) return b.setDoubleValue(v.get("doubleValue").asDouble()).build();
    if (v.has("arrayValue")) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      for (JsonNode e : array(v.get("arrayValue"), "values")) a.addValues(anyValue(e));
      return b.setArrayValue(a).build();
    }
    if (v.has("kvlistValue")) {
      return b.setKvlistValue(KeyValueList.newBuilder().addAllValues(attributes(v.get("kvlistValue").get("values")))).build();
    }
    return b.build();
  }

  /** Result of mapping: rows plus counted drops. */
  record Mapped(List<SpanRow> spans, List<ClientReportRow> drops) {}

  static Mapped map(ExportTraceServiceRequest req, long projectId, boolean scrub, long nowUs,
      TransactionNames.Naming naming) {
    List<SpanRow> rows = new ArrayList<>();
    long invalid = 0;
    long untimely = 0;
    for (ResourceSpans rs : req.getResourceSpansList()) {
      Map<String, Object> resource = flatten(rs.getResource().getAttributesList());
      String service = string(resource.get("service.name"));
      String release = string(resource.get("service.version"));
      String environment = string(resource.getOrDefault("deployment.environment.name",
          resource.get("deployment.environment")));
      String platform = string(resource.get("telemetry.sdk.language"));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          String traceId = Ids.traceId(s.getTraceId().toByteArray());
          String spanId = Ids.spanId(s.getSpanId().toByteArray());
          long start = s.getStartTimeUnixNano() / 1000;
          long end = s.getEndTimeUnixNano() / 1000;
          if (traceId == null || spanId == null) {
            invalid++;
            continue;
          }
          if (start <= 0 || end < start) {
            invalid++;
            continue;
          }
          if (!TimeWindow.accepts(start, end, nowUs)) {
            untimely++;
            continue;
          }
          String parent = Ids.spanId(s.getParentSpanId().toByteArray());
          boolean remoteParent = (s.getFlags() & HAS_IS_REMOTE) != 0 && (s.getFlags() & IS_REMOTE) != 0;
          Map<String, Object> attrs = flatten(s.getAttributesList());
          String op = op(s, attrs);
          String name = s.getName();
          boolean segment = parent == null || remoteParent;
          Map<String, Object> data = new LinkedHashMap<>(attrs);
          data.put("otel.kind", s.getKind().name().replace("SPAN_KIND_", "").toLowerCase());
          if (!s.getStatus().getMessage().isEmpty()) data.put("otel.status_message", s.getStatus().getMessage());
          JsonNode tree = Json.MAPPER.valueToTree(data);
          if (scrub) Scrubber.scrubTree(tree);
          SpanRow.Builder b = SpanRow.builder().projectId(projectId).traceId(traceId).spanId(spanId)
              .parentSpanId(parent).segment(segment).op(op)
              .description(scrub ? Scrubber.scrubText(name) : name)
              .status(status(s, attrs)).startUs(start).endUs(end).dataJson(Json.text(tree))
              .release(release).environment(environment).service(service)
              .platform(platform == null ? "otlp" : platform)
              .user(attrs.containsKey("enduser.id") ? "id:" + attrs.get("enduser.id") : null);
          if (segment) {
            TransactionNames.Named n = transactionName(name, attrs, naming);
            b.segmentId(Segments.eventId(traceId, spanId)).transaction(n.name()).transactionSource(n.source());
          }
          rows.add(b.build());
        }
      }
    }
    return new Mapped(Segments.join(rows), drops(projectId, nowUs, invalid, untimely));
  }

  /** The outcome rows of spans dropped as invalid or outside {@link TimeWindow}. */
  static List<ClientReportRow> drops(long projectId, long nowUs, long invalid, long untimely) {
    List<ClientReportRow> drops = new ArrayList<>(2);
    if (invalid > 0) drops.add(new ClientReportRow(projectId, nowUs, "invalid_span", "span", invalid));
    if (untimely > 0) drops.add(new ClientReportRow(projectId, nowUs, TimeWindow.OUTCOME, "span", untimely));
    return drops;
  }

  private static TransactionNames.Named transactionName(String name, Map<String, Object> attrs,
      TransactionNames.Naming naming) {
    String method = string(attrs.getOrDefault("http.request.method", attrs.get("http.method")));
    String route = string(attrs.get("http.route"));
    if (route != null) return new TransactionNames.Named(method == null ? route : method + " " + route, "route");
    String target = string(attrs.getOrDefault("url.path", attrs.get("http.target")));
    if (method != null && target != null && (name == null || name.isEmpty() || name.equals(method))) {
      return naming.name(method + " " + target, "url");
    }
    return new TransactionNames.Named(name, "custom");
  }

  static String op(Span s, Map<String, Object> attrs) {
    String explicit = string(attrs.get("sentry.op"));
    if (explicit != null) return explicit;
    Span.SpanKind k = s.getKind();
    boolean http = attrs.containsKey("http.request.method") || attrs.containsKey("http.method");
    if (http) return k == Span.SpanKind.SPAN_KIND_CLIENT ? "http.client" : "http.server";
    if (attrs.containsKey("db.system") || attrs.containsKey("db.system.name")) return "db";
    if (attrs.containsKey("rpc.system")) return k == Span.SpanKind.SPAN_KIND_CLIENT ? "rpc.client" : "rpc.server";
    if (attrs.containsKey("messaging.system")) {
      return k == Span.SpanKind.SPAN_KIND_PRODUCER ? "queue.publish" : "queue.process";
    }
    switch (k) {
      case SPAN_KIND_SERVER: return "http.server";
      case SPAN_KIND_CLIENT: return "http.client";
      case SPAN_KIND_PRODUCER: return "queue.publish";
      case SPAN_KIND_CONSUMER: return "queue.process";
      default: return "default";
    }
  }

  static String status(Span s, Map<String, Object> attrs) {
    Object http = attrs.getOrDefault("http.response.status_code", attrs.get("http.status_code"));
    Object grpc = attrs.get("rpc.grpc.status_code");
    boolean error = s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    if (http instanceof Number n && n.intValue() >= 400) return SpanStatus.fromHttpStatus(n.intValue()).protocolName();
    if (grpc instanceof Number n && n.intValue() > 0 && n.intValue() <= 16) { // gRPC's error codes
      return SpanStatus.fromGrpcCode(n.intValue()).protocolName();
    }
    if (error) return SpanStatus.INTERNAL_ERROR.protocolName();
    return SpanStatus.OK.protocolName();
  }

  private static String string(Object o) {
    return o == null ? null : o.toString();
  }


  static Map<String, Object> flatten(List<KeyValue> kvs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) out.put(kv.getKey(), value(kv.getValue()));
    return out;
  }

  private static Object value(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: return v.getStringValue();
      case BOOL_VALUE: return v.getBoolValue();
      case INT_VALUE: return v.getIntValue();
      case DOUBLE_VALUE: return v.getDoubleValue();
      case BYTES_VALUE: return java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE: {
        List<Object> l = new ArrayList<>();
        for (AnyValue e : v.getArrayValue().getValuesList()) l.add(value(e));
        return l;
      }
      case KVLIST_VALUE: return flatten(v.getKvlistValue().getValuesList());
      default: return null;
    }
  }

}
