package dev.spindle.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An error event as it was sent: read from its JSON. */
public final class SentError {
  private final Map<String, Object> json;

  SentError(Map<String, Object> json) {
    this.json = json;
  }

  public String eventId() {
    return Json.string(json, "event_id");
  }

  public String level() {
    return Json.string(json, "level");
  }

  public Instant timestamp() {
    return Json.timestamp(json, "timestamp");
  }

  /** The trace the error happened in, or null when no span was current. */
  public String traceId() {
    return Json.string(Json.object(Json.object(json, "contexts"), "trace"), "trace_id");
  }

  /** The span that was current, or null. */
  public String spanId() {
    return Json.string(Json.object(Json.object(json, "contexts"), "trace"), "span_id");
  }

  /** The name of the transaction that was current, or null. */
  public String transaction() {
    return Json.string(json, "transaction");
  }

  /** The exceptions' types (simple class names), the outermost last, as Sentry lists them. */
  public List<String> exceptionTypes() {
    List<String> types = new ArrayList<>();
    for (Map<String, Object> e : exceptions()) types.add(Json.string(e, "type"));
    return types;
  }

  /** The outermost exception's message, or null. */
  public String exceptionMessage() {
    List<Map<String, Object>> values = exceptions();
    return values.isEmpty() ? null : Json.string(values.get(values.size() - 1), "value");
  }

  public Map<String, String> tags() {
    return Json.strings(json, "tags");
  }

  public Map<String, Object> user() {
    return Json.object(json, "user");
  }

  /** The whole event, parsed. */
  public Map<String, Object> json() {
    return json;
  }

  private List<Map<String, Object>> exceptions() {
    return Json.objects(Json.object(json, "exception"), "values");
  }

  @Override
  public String toString() {
    return "SentError{" + exceptionTypes() + ": " + exceptionMessage() + "}";
  }
}
