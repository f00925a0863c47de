package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.SpanStatus;
import dev.spindle.server.json.Json;
import dev.spindle.storage.SpanRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import zipkin2.Annotation;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Zipkin v2 spans (JSON or proto3, decoded by the Zipkin library) to span rows, with
 * {@link OtlpMapper}'s conventions.
 *
 * <ul>
 *   <li>Ids: a 64-bit trace id is left-padded with zeros to 32 hex characters; the parent id is
 *       the B3 parent. Ids the library refuses (not lower hex, all zeros, wrong length) make the
 *       whole body malformed, as in Zipkin.
 *   <li>A span is a segment (transaction root) when it is SERVER or CONSUMER or has no parent;
 *       its transaction is {@code "<METHOD> <route or path>"} or the span name. Other spans join
 *       the segment of their nearest ancestor in the same request.
 *   <li>{@code localEndpoint.serviceName} is the service; tags, the endpoints, annotations and the
 *       {@code debug} and {@code shared} flags are kept in the span's data.
 *   <li>A {@code shared} span (Brave's B3 join: the server side reuses the client span's id) is
 *       stored under an id derived from that id ({@link #sharedSpanId}) as a child of the client
 *       span; spans of the same request with the shared id as parent and the same local endpoint
 *       (the server's own children, as Zipkin's UI decides) become its children.
 *   <li>A span without a timestamp, or whose end overflows, is dropped and counted as an
 *       {@code invalid_span} outcome; a span without a duration lasts zero microseconds.
 * </ul>
 *
 * <p>The Zipkin library lowercases span and service names; the method of a transaction name
 * therefore comes from the {@code http.method} tag.
 */
final class ZipkinMapper {
  private static final String PLATFORM = "zipkin";

  private ZipkinMapper() {}

  static List<Span> parseJson(byte[] body) {
    return decode(SpanBytesDecoder.JSON_V2, body, "Zipkin JSON v2");
  }

  static List<Span> parseProto3(byte[] body) {
    return decode(SpanBytesDecoder.PROTO3, body, "Zipkin proto3");
  }

  /** Decodes a list of spans; any failure is the body's: a 400 with the decoder's first line, at most 300 characters. */
  private static List<Span> decode(SpanBytesDecoder decoder, byte[] body, String format) {
    try {
      return decoder.decodeList(body);
    } catch (RuntimeException e) { // IllegalArgumentException, as documented; any other is the body's too
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int nl = m.indexOf('\n');
      if (nl >= 0) m = m.substring(0, nl);
      if (m.length() > 300) m = m.substring(0, 300) + "...";
      throw IngestException.malformed(format + ": " + m);
    }
  }

  static OtlpMapper.Mapped map(List<Span> spans, long projectId, boolean scrub, long nowUs,
      TransactionNames.Naming naming) {
    Map<String, Span> sharedById = new HashMap<>();
    for (Span s : spans) {
      if (Boolean.TRUE.equals(s.shared())) sharedById.put(s.traceId() + s.id(), s);
    }
    List<SpanRow> rows = new ArrayList<>(spans.size());
    long invalid = 0;
    long untimely = 0;
    for (Span s : spans) {
      String traceId = s.traceId().length() == 16 ? "0000000000000000" + s.traceId() : s.traceId();
      long start = s.timestampAsLong();
      long duration = s.durationAsLong();
      if (!Ids.isValidTraceId(traceId) || !Ids.isValidSpanId(s.id())
          || start <= 0 || duration > Long.MAX_VALUE - start) {
        invalid++;
        continue;
      }
      if (!TimeWindow.accepts(start, start + duration, nowUs)) {
        untimely++;
        continue;
      }
      boolean shared = Boolean.TRUE.equals(s.shared());
      String spanId = shared ? sharedSpanId(s.id()) : s.id();
      String parent = shared ? s.id() : s.parentId();
      Span sharedParent = parent == null ? null : sharedById.get(s.traceId() + parent);
      if (!shared && sharedParent != null && Objects.equals(sharedParent.localEndpoint(), s.localEndpoint())) {
        parent = sharedSpanId(parent);
      }
      Map<String, String> tags = s.tags();
      boolean segment = parent == null || s.kind() == Span.Kind.SERVER || s.kind() == Span.Kind.CONSUMER;
      String description = description(s);
      JsonNode data = Json.MAPPER.valueToTree(data(s, description));
      if (scrub) Scrubber.scrubTree(data);
      SpanRow.Builder b = SpanRow.builder().projectId(projectId).traceId(traceId).spanId(spanId)
          .parentSpanId(parent).segment(segment).op(op(s))
          .description(scrub && description != null ? Scrubber.scrubText(description) : description)
          .status(status(tags)).startUs(start).endUs(start + duration).dataJson(Json.text(data))
          .release(tags.get("service.version"))
          .environment(tags.getOrDefault("deployment.environment.name", tags.get("deployment.environment")))
          .user(tags.containsKey("enduser.id") ? "id:" + tags.get("enduser.id") : null)
          .service(s.localServiceName()).platform(PLATFORM);
      if (segment) {
        TransactionNames.Named n = transactionName(s, naming);
        b.segmentId(Segments.eventId(traceId, spanId)).transaction(n.name()).transactionSource(n.source());
      }
      rows.add(b.build());
    }
    return new OtlpMapper.Mapped(Segments.join(rows), OtlpMapper.drops(projectId, nowUs, invalid, untimely));
  }

  /**
   * The id under which the server side of a shared span is stored, so that it and the client side
   * stay two rows: the first 8 bytes of SHA-256 over the shared id and {@code ":server"}.
   */
  static String sharedSpanId(String id) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((id + ":server").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The tags, then what else Zipkin has that the row's fields do not hold, under {@code zipkin.*} keys. */
  private static Map<String, Object> data(Span s, String description) {
    Map<String, Object> data = new LinkedHashMap<>(s.tags());
    if (s.kind() != null) data.put("zipkin.kind", s.kind().name().toLowerCase(Locale.ROOT));
    if (s.name() != null && !s.name().equals(description)) data.put("zipkin.name", s.name());
    Map<String, Object> local = endpoint(s.localEndpoint());
    if (local != null) data.put("zipkin.local_endpoint", local);
    Map<String, Object> remote = endpoint(s.remoteEndpoint());
    if (remote != null) data.put("zipkin.remote_endpoint", remote);
    if (!s.annotations().isEmpty()) {
      List<Map<String, Object>> list = new ArrayList<>(s.annotations().size());
      for (Annotation a : s.annotations()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", a.timestamp());
        m.put("value", a.value());
        list.add(m);
      }
      data.put("zipkin.annotations", list);
    }
    if (Boolean.TRUE.equals(s.shared())) {
      data.put("zipkin.shared", true);
      data.put("zipkin.id", s.id());
    }
    if (Boolean.TRUE.equals(s.debug())) data.put("zipkin.debug", true);
    return data;
  }

  private static Map<String, Object> endpoint(Endpoint e) {
    if (e == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    if (e.serviceName() != null) m.put("serviceName", e.serviceName());
    if (e.ipv4() != null) m.put("ipv4", e.ipv4());
    if (e.ipv6() != null) m.put("ipv6", e.ipv6());
    if (e.portAsInt() != 0) m.put("port", e.portAsInt());
    return m.isEmpty() ? null : m;
  }

  /** {@code "<METHOD> <url or path>"} for HTTP spans (Brave names a client span by its method only), else the name. */
  private static String description(Span s) {
    String method = s.tags().get("http.method");
    String target = s.tags().getOrDefault("http.url", s.tags().get("http.path"));
    return method != null && target != null ? method + " " + target : s.name();
  }

  static TransactionNames.Named transactionName(Span s, TransactionNames.Naming naming) {
    Map<String, String> tags = s.tags();
    String method = tags.get("http.method");
    String name = s.name();
    String route = tags.get("http.route");
    // Brave names a server span "<method> <route>" when the framework knows the route.
    if (route == null && method != null && name != null && name.startsWith(method.toLowerCase(Locale.ROOT) + " /")) {
      route = name.substring(method.length() + 1);
    }
    if (method != null && route != null && !route.isEmpty()) {
      return new TransactionNames.Named(method + " " + route, "route");
    }
    String path = tags.get("http.path");
    if (method != null && path != null) return naming.name(method + " " + path, "url");
    return new TransactionNames.Named(name, "custom");
  }

  static String op(Span s) {
    Map<String, String> tags = s.tags();
    String explicit = tags.get("sentry.op");
    if (explicit != null) return explicit;
    Span.Kind k = s.kind();
    if (tags.containsKey("http.method") || tags.containsKey("http.path") || tags.containsKey("http.url")) {
      return k == Span.Kind.CLIENT ? "http.client" : "http.server";
    }
    if (tags.containsKey("sql.query") || tags.containsKey("db.system") || tags.containsKey("db.system.name")) return "db";
    if (tags.containsKey("rpc.method") || tags.containsKey("rpc.system") || tags.containsKey("grpc.status_code")) {
      return k == Span.Kind.CLIENT ? "rpc.client" : "rpc.server";
    }
    if (k == null) return "default";
    switch (k) {
      case SERVER: return "http.server";
      case CLIENT: return "http.client";
      case PRODUCER: return "queue.publish";
      default: return "queue.process";
    }
  }

  /**
   * From Brave's and OpenTelemetry's Zipkin tags: {@code http.status_code} of 400 or more, a gRPC
   * status name other than {@code OK} ({@code rpc.error_code}, {@code grpc.status_code}), or an
   * {@code error} tag; otherwise {@code ok}.
   */
  static String status(Map<String, String> tags) {
    String http = tags.get("http.status_code");
    if (http != null) {
      try {
        int code = Integer.parseInt(http.trim());
        if (code >= 400) return SpanStatus.fromHttpStatus(code).protocolName();
      } catch (NumberFormatException ignored) {
        // not a number: fall through to the other signals
      }
    }
    String grpc = tags.getOrDefault("grpc.status_code", tags.get("rpc.error_code"));
    if (grpc != null && !grpc.equals("OK")) {
      String name = grpc.equals("INTERNAL") ? "internal_error" : grpc.toLowerCase(Locale.ROOT);
      SpanStatus st = SpanStatus.fromProtocolName(name);
      return (st == SpanStatus.UNKNOWN && !name.equals("unknown") ? SpanStatus.INTERNAL_ERROR : st).protocolName();
    }
    if (tags.containsKey("error")) return SpanStatus.INTERNAL_ERROR.protocolName();
    return SpanStatus.OK.protocolName();
  }
}
