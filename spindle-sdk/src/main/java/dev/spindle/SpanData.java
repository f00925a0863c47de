package dev.spindle;

import dev.spindle.protocol.SpanStatus;
import java.util.Map;

/** A finished child span as it will be sent. Immutable. Times are microseconds since the epoch. */
public final class SpanData {
  private final String spanId;
  private final String parentSpanId;
  private final String operation;
  private final String description;
  private final SpanStatus status;
  private final long startMicros;
  private final long endMicros;
  private final Map<String, String> tags;
  private final Map<String, Object> data;
  private final String origin;

  SpanData(String spanId, String parentSpanId, String operation, String description,
      SpanStatus status, long startMicros, long endMicros, Map<String, String> tags,
      Map<String, Object> data, String origin) {
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
    this.operation = operation;
    this.description = description;
    this.status = status;
    this.startMicros = startMicros;
    this.endMicros = endMicros;
    this.tags = tags.isEmpty() ? Map.of() : Map.copyOf(tags);
    this.data = data.isEmpty() ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    this.origin = origin == null ? "manual" : origin;
  }

  public String spanId() { return spanId; }
  public String parentSpanId() { return parentSpanId; }
  public String operation() { return operation; }
  public String description() { return description; }
  public SpanStatus status() { return status; }
  public long startMicros() { return startMicros; }
  public long endMicros() { return endMicros; }
  public Map<String, String> tags() { return tags; }
  public Map<String, Object> data() { return data; }
  /** {@code manual} or {@code auto.<category>.<integration>}. */
  public String origin() { return origin; }

  @Override
  public String toString() {
    return "SpanData{" + operation + " " + spanId + " <- " + parentSpanId + " " + status + "}";
  }
}
