package dev.spindle.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A child span as it was sent, inside a {@link SentTransaction}: read from the event's JSON, so
 * it is what the server would receive.
 */
public final class SentSpan {
  private final Map<String, Object> json;

  SentSpan(Map<String, Object> json) {
    this.json = json;
  }

  public String spanId() {
    return Json.string(json, "span_id");
  }

  public String parentSpanId() {
    return Json.string(json, "parent_span_id");
  }

  public String traceId() {
    return Json.string(json, "trace_id");
  }

  /** The operation, such as {@code http.client}. */
  public String operation() {
    return Json.string(json, "op");
  }

  public String description() {
    return Json.string(json, "description");
  }

  /** The status's protocol name, such as {@code ok} or {@code internal_error}. */
  public String status() {
    return Json.string(json, "status");
  }

  public String origin() {
    return Json.string(json, "origin");
  }

  public Instant startTimestamp() {
    return Json.timestamp(json, "start_timestamp");
  }

  public Instant endTimestamp() {
    return Json.timestamp(json, "timestamp");
  }

  public Duration duration() {
    return Duration.between(startTimestamp(), endTimestamp());
  }

  public Map<String, String> tags() {
    return Json.strings(json, "tags");
  }

  /** The span's data: strings, {@code Long}s, {@code Double}s, booleans, lists and maps. */
  public Map<String, Object> data() {
    return Json.object(json, "data");
  }

  /** The span's JSON object, parsed. */
  public Map<String, Object> json() {
    return json;
  }

  @Override
  public String toString() {
    return "SentSpan{" + operation() + " " + description() + " " + spanId() + "}";
  }
}
