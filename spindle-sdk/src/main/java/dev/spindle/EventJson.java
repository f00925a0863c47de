package dev.spindle;

import dev.spindle.protocol.internal.JsonWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes transaction and error events as Sentry event JSON. */
final class EventJson {
  static final String SDK_NAME = "spindle.java";
  static final String SDK_VERSION = "0.1.0";

  private EventJson() {}

  /** The transaction event as UTF-8 JSON. */
  static byte[] transaction(TransactionData t) {
    JsonWriter w = new JsonWriter(new StringBuilder(1024 + t.spans().size() * 384));
    w.beginObject();
    w.name("event_id").value(t.eventId());
    w.name("type").value("transaction");
    w.name("platform").value("java");
    w.name("transaction").value(t.name());
    w.name("transaction_info").beginObject().name("source").value(t.source().protocolName()).endObject();
    w.name("start_timestamp").timestampMicros(t.startMicros());
    w.name("timestamp").timestampMicros(t.endMicros());
    common(w, t.release(), t.environment(), t.serverName(), t.tags(), t.user());
    breadcrumbs(w, t.breadcrumbs());
    w.name("contexts").beginObject();
    contexts(w, t.contexts());
    w.name("trace").beginObject();
    w.name("trace_id").value(t.traceId());
    w.name("span_id").value(t.spanId());
    if (t.parentSpanId() != null) w.name("parent_span_id").value(t.parentSpanId());
    w.name("op").value(t.operation());
    if (t.description() != null) w.name("description").value(t.description());
    w.name("status").value(t.status().protocolName());
    w.name("origin").value(t.origin());
    if (!t.data().isEmpty()) w.name("data").anyValue(t.data());
    w.endObject().endObject();
    w.name("spans").beginArray();
    for (SpanData s : t.spans()) {
      w.beginObject();
      w.name("span_id").value(s.spanId());
      w.name("parent_span_id").value(s.parentSpanId());
      w.name("trace_id").value(t.traceId());
      w.name("op").value(s.operation());
      if (s.description() != null) w.name("description").value(s.description());
      w.name("start_timestamp").timestampMicros(s.startMicros());
      w.name("timestamp").timestampMicros(s.endMicros());
      w.name("status").value(s.status().protocolName());
      w.name("origin").value(s.origin());
      if (!s.tags().isEmpty()) w.name("tags").anyValue(s.tags());
      if (!s.data().isEmpty()) w.name("data").anyValue(s.data());
      w.endObject();
    }
    w.endArray();
    if (!t.measurements().isEmpty()) {
      w.name("measurements").beginObject();
      for (Map.Entry<String, TransactionData.Measurement> m : t.measurements().entrySet()) {
        w.name(m.getKey()).beginObject().name("value").value(m.getValue().value());
        if (m.getValue().unit() != null) w.name("unit").value(m.getValue().unit());
        w.endObject();
      }
      w.endObject();
    }
    sdk(w);
    w.endObject();
    return w.toUtf8();
  }

  /**
   * An error event, tied to the span that was current: its level, logger, message, the exception
   * chain (root cause first, as Sentry lists it) with frames marked by {@code inApp}.
   */
  static String error(ErrorEvent event, long timestampMicros, Span span, String release,
      String environment, String serverName, ScopeData scope, InApp inApp) {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("event_id").value(event.eventId());
    w.name("timestamp").timestampMicros(timestampMicros);
    w.name("platform").value("java");
    w.name("level").value(event.level().protocolName());
    if (event.logger() != null) w.name("logger").value(event.logger());
    if (event.message() != null) w.name("message").beginObject().name("formatted").value(event.message()).endObject();
    common(w, release, environment, serverName, event.tags(), event.user());
    breadcrumbs(w, scope.breadcrumbs);
    boolean traced = span.transaction() instanceof Traced;
    if (traced) w.name("transaction").value(span.transaction().name());
    if (traced || !scope.contexts.isEmpty()) {
      w.name("contexts").beginObject();
      contexts(w, scope.contexts);
      if (traced) {
        w.name("trace").beginObject();
        w.name("trace_id").value(span.traceId());
        w.name("span_id").value(span.spanId());
        if (span.parentSpanId() != null) w.name("parent_span_id").value(span.parentSpanId());
        w.name("op").value(span.operation());
        w.endObject();
      }
      w.endObject();
    }
    if (event.throwable() != null) {
      w.name("exception").beginObject().name("values").beginArray();
      List<Throwable> chain = new ArrayList<>();
      Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Throwable t = event.throwable(); t != null && seen.add(t); t = t.getCause()) chain.add(0, t);
      for (Throwable t : chain) {
        exception(w, t, inApp, t == event.throwable() ? event.unhandledMechanism() : null);
      }
      w.endArray().endObject();
    }
    sdk(w);
    w.endObject();
    return w.toString();
  }

  private static void exception(JsonWriter w, Throwable t, InApp inApp, String unhandledMechanism) {
    w.beginObject();
    Class<?> c = t.getClass();
    w.name("type").value(c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName());
    if (c.getPackage() != null) w.name("module").value(c.getPackage().getName());
    if (t.getMessage() != null) w.name("value").value(t.getMessage());
    if (unhandledMechanism != null) {
      w.name("mechanism").beginObject().name("type").value(unhandledMechanism)
          .name("handled").value(false).endObject();
    }
    StackTraceElement[] frames = t.getStackTrace();
    if (frames.length > 0) {
      w.name("stacktrace").beginObject().name("frames").beginArray();
      // Sentry wants the innermost frame last.
      for (int i = Math.min(frames.length, 100) - 1; i >= 0; i--) {
        StackTraceElement f = frames[i];
        w.beginObject();
        w.name("function").value(f.getMethodName());
        String cls = f.getClassName();
        w.name("module").value(cls);
        if (f.getFileName() != null) w.name("filename").value(f.getFileName());
        if (f.getLineNumber() > 0) w.name("lineno").value(f.getLineNumber());
        w.name("in_app").value(inApp.test(cls));
        w.endObject();
      }
      w.endArray().endObject();
    }
    w.endObject();
  }

  private static void common(JsonWriter w, String release, String environment, String serverName,
      Map<String, String> tags, User user) {
    if (release != null) w.name("release").value(release);
    if (environment != null) w.name("environment").value(environment);
    if (serverName != null) w.name("server_name").value(serverName);
    if (!tags.isEmpty()) w.name("tags").anyValue(tags);
    if (user != null) {
      w.name("user").beginObject();
      if (user.id() != null) w.name("id").value(user.id());
      if (user.username() != null) w.name("username").value(user.username());
      if (user.email() != null) w.name("email").value(user.email());
      if (user.ipAddress() != null) w.name("ip_address").value(user.ipAddress());
      w.endObject();
    }
  }

  /** The scopes' contexts, inside {@code contexts} (the trace context is written apart). */
  private static void contexts(JsonWriter w, Map<String, Map<String, Object>> contexts) {
    for (Map.Entry<String, Map<String, Object>> c : contexts.entrySet()) {
      w.name(c.getKey()).anyValue(c.getValue());
    }
  }

  private static void breadcrumbs(JsonWriter w, List<Breadcrumb> breadcrumbs) {
    if (breadcrumbs.isEmpty()) return;
    w.name("breadcrumbs").beginObject().name("values").beginArray();
    for (Breadcrumb b : breadcrumbs) {
      w.beginObject();
      w.name("timestamp").timestampMicros(b.timestampMicros());
      if (b.type() != null) w.name("type").value(b.type());
      if (b.level() != null) w.name("level").value(b.level().protocolName());
      if (b.category() != null) w.name("category").value(b.category());
      if (b.message() != null) w.name("message").value(b.message());
      if (!b.data().isEmpty()) w.name("data").anyValue(b.data());
      w.endObject();
    }
    w.endArray().endObject();
  }

  private static void sdk(JsonWriter w) {
    w.name("sdk").beginObject().name("name").value(SDK_NAME).name("version").value(SDK_VERSION).endObject();
  }
}
