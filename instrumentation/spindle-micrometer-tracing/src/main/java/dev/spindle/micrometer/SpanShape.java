package dev.spindle.micrometer;

import dev.spindle.Span;
import dev.spindle.TransactionSource;
import dev.spindle.instrumentation.http.HttpNames;
import dev.spindle.protocol.SpanStatus;
import io.micrometer.tracing.Span.Kind;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a Spindle span is called, from what Micrometer says about it: its kind, its name (given
 * when the observation stops) and its tags. The tags read are those of Spring's and Micrometer's
 * observation conventions and of the OpenTelemetry semantic conventions.
 *
 * <ul>
 *   <li>op: {@code rpc.<rpc.system>} when tagged {@code rpc.system}; {@code db} for
 *       {@code db.system}; producers {@code queue.publish}, consumers {@code queue.process};
 *       servers {@code http.server} (or {@code queue.process} when tagged
 *       {@code messaging.system}); clients with an HTTP method {@code http.client}; any other span
 *       its name, as Sentry names spans of other tracers.
 *   <li>name: HTTP servers {@code "<METHOD> <route>"} (source {@code route}) when the route tag
 *       ({@code http.route}, {@code uri}) is a path; HTTP clients {@code "<METHOD> <url>"} (the URL
 *       scrubbed); messaging the destination (source {@code task}); else the span name.
 *   <li>status: from the HTTP status code tag, or a gRPC status tag.
 * </ul>
 */
final class SpanShape {
  private static final Set<String> URL_TAGS = Set.of("http.url", "url.full");
  static final String DEFAULT_OP = "default";

  final String operation;
  final String name;
  final TransactionSource source;
  final SpanStatus status;

  private SpanShape(String operation, String name, TransactionSource source, SpanStatus status) {
    this.operation = operation;
    this.name = name;
    this.source = source;
    this.status = status;
  }

  /** The op a span gets when it starts, before its name and tags are known. */
  static String initialOperation(Kind kind, String name) {
    return of(kind, name, Map.of()).operation;
  }

  static SpanShape of(Kind kind, String name, Map<String, String> tags) {
    String rpcSystem = tags.get("rpc.system");
    String messaging = tags.get("messaging.system");
    String method = first(tags, "http.request.method", "method", "http.method");
    String destination = first(tags, "messaging.destination.name", "messaging.destination");
    boolean http = method != null && rpcSystem == null;
    String op;
    if (rpcSystem != null) op = "rpc." + rpcSystem;
    else if (kind == Kind.PRODUCER) op = "queue.publish";
    else if (kind == Kind.CONSUMER || (kind == Kind.SERVER && messaging != null)) op = "queue.process";
    else if (tags.get("db.system") != null) op = "db";
    else if (kind == Kind.SERVER) op = "http.server";
    else if (kind == Kind.CLIENT && http) op = "http.client";
    else op = isBlank(name) ? DEFAULT_OP : name;

    String shapedName = name;
    TransactionSource source = TransactionSource.CUSTOM;
    if (http && kind == Kind.SERVER) {
      String route = first(tags, "http.route", "uri");
      if (route != null && route.startsWith("/")) {
        shapedName = method.toUpperCase(Locale.ROOT) + " " + route;
        source = TransactionSource.ROUTE;
      }
    } else if (http && kind == Kind.CLIENT) {
      String url = first(tags, "url.full", "http.url", "uri");
      if (url != null) shapedName = method.toUpperCase(Locale.ROOT) + " " + HttpNames.scrubUrl(url);
    } else if (op.startsWith("queue.")) {
      if (destination != null) shapedName = destination;
      source = TransactionSource.TASK;
    } else if (rpcSystem != null) {
      source = TransactionSource.ROUTE;
    }
    return new SpanShape(op, shapedName, source, status(tags));
  }

  /**
   * Records a tag as the span's data; URL tags without user info and query (they may hold
   * secrets), the query scrubbed into {@code http.query}, as Spindle's HTTP integrations do.
   */
  static void record(Span span, String key, String value) {
    if (!URL_TAGS.contains(key)) {
      span.setData(key, value);
      return;
    }
    span.setData(key, HttpNames.scrubUrl(value));
    String query = HttpNames.scrubbedQueryOf(value);
    if (query != null) span.setData("http.query", query);
  }

  private static SpanStatus status(Map<String, String> tags) {
    String http = first(tags, "http.response.status_code", "http.status_code", "status");
    if (http != null) {
      try {
        return SpanStatus.fromHttpStatus(Integer.parseInt(http));
      } catch (NumberFormatException notACode) {
        // Spring's "status" is "CLIENT_ERROR" etc. when no response came: say nothing
      }
    }
    String grpc = first(tags, "rpc.grpc.status_code", "grpc.status_code");
    if (grpc == null) return null;
    try {
      return SpanStatus.fromGrpcCode(Integer.parseInt(grpc));
    } catch (NumberFormatException name) {
      return SpanStatus.normalize(grpc); // Micrometer's gRPC observations tag the code's name
    }
  }

  private static String first(Map<String, String> tags, String... keys) {
    for (String k : keys) {
      String v = tags.get(k);
      if (!isBlank(v)) return v;
    }
    return null;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
