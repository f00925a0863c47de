package dev.spindle.serverbench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Request bodies for one single-transaction {@link TraceShape}: a Sentry envelope shaped like what
 * sentry-java sends (envelope header with the dynamic sampling context, one {@code transaction}
 * item), and the same 21 spans as one Zipkin v2 JSON array or one OTLP protobuf export. Every
 * string comes from {@link Catalog} or is hex, so nothing needs JSON escaping.
 */
final class Payloads {
  private Payloads() {}

  /** The Sentry envelope (uncompressed). */
  static byte[] sentryEnvelope(TraceShape t, String dsn, String publicKey, long sentAtMs) {
    if (t.twoTransactions) throw new IllegalArgumentException("t: expected one transaction per trace");
    String name = Catalog.TRANSACTIONS[t.transactionName[0]];
    String tx = sentryTransaction(t);
    int txBytes = tx.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder b = new StringBuilder(tx.length() + 600);
    b.append("{\"event_id\":\"").append(t.eventIds[0]).append("\",\"sent_at\":\"")
        .append(java.time.Instant.ofEpochMilli(sentAtMs)).append("\",\"dsn\":\"").append(dsn)
        .append("\",\"sdk\":{\"name\":\"sentry.java\",\"version\":\"8.26.0\"},\"trace\":{\"trace_id\":\"")
        .append(t.traceId).append("\",\"public_key\":\"").append(publicKey)
        .append("\",\"release\":\"").append(t.release).append("\",\"environment\":\"")
        .append(Catalog.ENVIRONMENT).append("\",\"transaction\":\"").append(name)
        .append("\",\"sample_rate\":\"1\",\"sampled\":\"true\"}}\n");
    b.append("{\"content_type\":\"application/json\",\"type\":\"transaction\",\"length\":")
        .append(txBytes).append("}\n");
    b.append(tx);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The transaction item's JSON. */
  static String sentryTransaction(TraceShape t) {
    int tx = t.transactionName[0];
    StringBuilder b = new StringBuilder(8192);
    b.append("{\"event_id\":\"").append(t.eventIds[0]).append("\",\"type\":\"transaction\",\"transaction\":\"")
        .append(Catalog.TRANSACTIONS[tx]).append("\",\"transaction_info\":{\"source\":\"route\"},\"start_timestamp\":");
    seconds(b, t.startUs[0]).append(",\"timestamp\":");
    seconds(b, t.endUs[0]).append(",\"platform\":\"java\",\"release\":\"").append(t.release)
        .append("\",\"environment\":\"").append(Catalog.ENVIRONMENT)
        .append("\",\"server_name\":\"").append(Catalog.service(tx)).append("-1\",\"user\":{\"id\":\"")
        .append(t.user).append("\"},\"tags\":{\"service.name\":\"").append(Catalog.service(tx))
        .append("\",\"http.method\":\"").append(Catalog.method(tx))
        .append("\",\"http.status_code\":\"").append(t.statusCode).append("\"},");
    b.append("\"contexts\":{\"runtime\":{\"name\":\"OpenJDK Runtime Environment\",\"version\":\"17.0.15\"},")
        .append("\"trace\":{\"trace_id\":\"").append(t.traceId).append("\",\"span_id\":\"").append(t.spanIds[0])
        .append("\",\"op\":\"http.server\",\"status\":\"").append(t.status(0))
        .append("\",\"origin\":\"").append(t.origin(0)).append("\",\"data\":{\"thread.id\":\"")
        .append(40 + t.thread[0]).append("\",\"thread.name\":\"").append(t.threadName(0)).append("\"}}},");
    b.append("\"spans\":[");
    for (int i = 1; i < TraceShape.SPANS; i++) {
      if (i > 1) b.append(',');
      b.append("{\"span_id\":\"").append(t.spanIds[i]).append("\",\"parent_span_id\":\"")
          .append(t.spanIds[t.parent[i]]).append("\",\"trace_id\":\"").append(t.traceId)
          .append("\",\"op\":\"").append(t.op(i)).append("\",\"description\":\"").append(t.description(i))
          .append("\",\"start_timestamp\":");
      seconds(b, t.startUs[i]).append(",\"timestamp\":");
      seconds(b, t.endUs[i]).append(",\"status\":\"").append(t.status(i)).append("\",\"origin\":\"")
          .append(t.origin(i)).append("\",\"data\":{\"thread.id\":\"").append(40 + t.thread[i])
          .append("\",\"thread.name\":\"").append(t.threadName(i)).append('"');
      if (t.kind[i] == 0 || t.kind[i] == 3) b.append(",\"db.system\":\"postgresql\"");
      b.append("}}");
    }
    b.append("],\"sdk\":{\"name\":\"sentry.java\",\"version\":\"8.26.0\"}}");
    return b.toString();
  }

  /** The same trace as a Zipkin v2 JSON array of 21 spans. */
  static byte[] zipkinSpans(TraceShape t) {
    if (t.twoTransactions) throw new IllegalArgumentException("t: expected one transaction per trace");
    int tx = t.transactionName[0];
    String service = Catalog.service(tx);
    StringBuilder b = new StringBuilder(8192);
    b.append('[');
    for (int i = 0; i < TraceShape.SPANS; i++) {
      if (i > 0) b.append(',');
      b.append("{\"traceId\":\"").append(t.traceId).append('"');
      if (i > 0) b.append(",\"parentId\":\"").append(t.spanIds[t.parent[i]]).append('"');
      b.append(",\"id\":\"").append(t.spanIds[i]).append('"');
      int k = t.kind[i];
      if (i == 0) b.append(",\"kind\":\"SERVER\"");
      else if (k == 0 || k == 1 || k == 3) b.append(",\"kind\":\"CLIENT\"");
      String name = i == 0 ? Catalog.TRANSACTIONS[tx] : (k == 0 || k == 3) ? "query" : t.op(i);
      b.append(",\"name\":\"").append(name).append("\",\"timestamp\":").append(t.startUs[i])
          .append(",\"duration\":").append(t.endUs[i] - t.startUs[i])
          .append(",\"localEndpoint\":{\"serviceName\":\"").append(service).append("\"}");
      if (k == 0 || k == 3) b.append(",\"remoteEndpoint\":{\"serviceName\":\"postgresql\"}");
      b.append(",\"tags\":{\"thread.name\":\"").append(t.threadName(i)).append('"');
      if (i == 0) {
        b.append(",\"http.method\":\"").append(Catalog.method(tx)).append("\",\"http.route\":\"")
            .append(Catalog.TRANSACTIONS[tx]).append("\",\"http.status_code\":\"").append(t.statusCode)
            .append("\",\"release\":\"").append(t.release).append("\",\"environment\":\"")
            .append(Catalog.ENVIRONMENT).append("\",\"user.id\":\"").append(t.user).append('"');
      } else if (k == 0 || k == 3) {
        b.append(",\"db.system\":\"postgresql\",\"sql.query\":\"").append(t.description(i)).append('"');
      } else if (k == 1) {
        b.append(",\"http.url\":\"").append(t.description(i)).append('"');
      } else {
        b.append(",\"description\":\"").append(t.description(i)).append('"');
      }
      if (!"ok".equals(t.status(i))) b.append(",\"error\":\"").append(t.status(i)).append('"');
      b.append("}}");
    }
    b.append(']');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The same trace as an OTLP/HTTP protobuf export, as the OpenTelemetry SDK's exporter sends it:
   * one resource (the service), one scope, 21 spans with the semantic-convention attributes that
   * the Zipkin form carries as tags.
   */
  static byte[] otlpSpans(TraceShape t) {
    if (t.twoTransactions) throw new IllegalArgumentException("t: expected one transaction per trace");
    int tx = t.transactionName[0];
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.bench").setVersion("1.0"));
    ByteString traceId = bytes(t.traceId);
    for (int i = 0; i < TraceShape.SPANS; i++) {
      int k = t.kind[i];
      boolean db = k == 0 || k == 3;
      Span.Builder s = Span.newBuilder().setTraceId(traceId).setSpanId(bytes(t.spanIds[i]))
          .setName(i == 0 ? Catalog.TRANSACTIONS[tx] : db ? "query" : t.op(i))
          .setKind(i == 0 ? Span.SpanKind.SPAN_KIND_SERVER
              : db || k == 1 ? Span.SpanKind.SPAN_KIND_CLIENT : Span.SpanKind.SPAN_KIND_INTERNAL)
          .setStartTimeUnixNano(t.startUs[i] * 1000).setEndTimeUnixNano(t.endUs[i] * 1000)
          .addAttributes(attribute("thread.name", t.threadName(i)));
      if (i > 0) s.setParentSpanId(bytes(t.spanIds[t.parent[i]]));
      if (i == 0) {
        s.addAttributes(attribute("http.request.method", Catalog.method(tx)))
            .addAttributes(attribute("http.route", Catalog.TRANSACTIONS[tx]))
            .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
                .setValue(AnyValue.newBuilder().setIntValue(t.statusCode)))
            .addAttributes(attribute("user.id", t.user));
      } else if (db) {
        s.addAttributes(attribute("db.system", "postgresql")).addAttributes(attribute("db.statement", t.description(i)));
      } else if (k == 1) {
        s.addAttributes(attribute("url.full", t.description(i)));
      }
      if (!"ok".equals(t.status(i))) {
        s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(t.status(i)));
      }
      scope.addSpans(s);
    }
    Resource resource = Resource.newBuilder()
        .addAttributes(attribute("service.name", Catalog.service(tx)))
        .addAttributes(attribute("service.version", t.release))
        .addAttributes(attribute("deployment.environment.name", Catalog.ENVIRONMENT))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build().toByteArray();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  /** gzip, as sentry-java's HTTP transport compresses envelopes (default level). */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Appends float seconds with six decimals, as sentry-java writes timestamps. */
  static StringBuilder seconds(StringBuilder b, long us) {
    long s = us / 1_000_000;
    long frac = us % 1_000_000;
    b.append(s).append('.');
    String f = Long.toString(frac);
    for (int i = f.length(); i < 6; i++) b.append('0');
    return b.append(f);
  }
}
