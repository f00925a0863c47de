package dev.spindle;

import dev.spindle.protocol.SpanStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A finished transaction as it will be sent, handed to
 * {@link SpindleOptions#setBeforeSendTransaction}: the hook may rename it, change its tags or
 * remove spans, or drop it by returning null. Times are microseconds since the epoch.
 */
public final class TransactionData {
  private final String eventId;
  private final String traceId;
  private final String spanId;
  private final String parentSpanId;
  private final String operation;
  private final String description;
  private final SpanStatus status;
  private final long startMicros;
  private final long endMicros;
  private final Map<String, Object> data;
  private final Map<String, Measurement> measurements;
  private final String release;
  private final String environment;
  private final String serverName;
  private final User user;
  private final Double sampleRate;
  private final String origin;
  private String name;
  private TransactionSource source;
  private final Map<String, String> tags;
  private final Map<String, Map<String, Object>> contexts;
  private final List<Breadcrumb> breadcrumbs;
  private final List<SpanData> spans;

  TransactionData(Builder b) {
    this.eventId = b.eventId;
    this.traceId = b.traceId;
    this.spanId = b.spanId;
    this.parentSpanId = b.parentSpanId;
    this.operation = b.operation;
    this.description = b.description;
    this.status = b.status;
    this.startMicros = b.startMicros;
    this.endMicros = b.endMicros;
    this.data = b.data;
    this.measurements = b.measurements;
    this.release = b.release;
    this.environment = b.environment;
    this.serverName = b.serverName;
    this.user = b.user;
    this.sampleRate = b.sampleRate;
    this.origin = b.origin == null ? "manual" : b.origin;
    this.name = b.name;
    this.source = b.source;
    this.tags = b.tags;
    this.contexts = b.contexts;
    this.breadcrumbs = b.breadcrumbs;
    this.spans = b.spans;
  }

  public String eventId() { return eventId; }
  public String traceId() { return traceId; }
  public String spanId() { return spanId; }
  public String parentSpanId() { return parentSpanId; }
  public String operation() { return operation; }
  public String description() { return description; }
  public SpanStatus status() { return status; }
  public long startMicros() { return startMicros; }
  public long endMicros() { return endMicros; }
  public Map<String, Object> data() { return Collections.unmodifiableMap(data); }
  public String release() { return release; }
  public String environment() { return environment; }
  public String serverName() { return serverName; }
  public User user() { return user; }
  public Double sampleRate() { return sampleRate; }
  /** {@code manual} or {@code auto.<category>.<integration>}. */
  public String origin() { return origin; }
  public String name() { return name; }
  public TransactionSource source() { return source; }

  /** The tags, the scopes' merged in; this map may be changed by the hook. */
  public Map<String, String> tags() { return tags; }

  /** Contexts of the scopes (not {@code trace}), by name. */
  public Map<String, Map<String, Object>> contexts() { return contexts; }

  /** Breadcrumbs of the scopes, oldest first. */
  public List<Breadcrumb> breadcrumbs() { return breadcrumbs; }

  /** The finished child spans; this list may be changed by the hook. */
  public List<SpanData> spans() { return spans; }

  /** Measurements by name. */
  public Map<String, Measurement> measurements() {
    return Collections.unmodifiableMap(measurements);
  }

  public TransactionData setName(String name, TransactionSource source) {
    this.name = Objects.requireNonNull(name, "name");
    this.source = Objects.requireNonNull(source, "source");
    return this;
  }

  /** A measurement: a value and its unit (such as {@code millisecond} or {@code byte}). */
  public record Measurement(double value, String unit) {}

  static final class Builder {
    String eventId;
    String traceId;
    String spanId;
    String parentSpanId;
    String operation;
    String description;
    SpanStatus status;
    long startMicros;
    long endMicros;
    Map<String, Object> data = Collections.emptyMap();
    Map<String, Measurement> measurements = Collections.emptyMap();
    String release;
    String environment;
    String serverName;
    User user;
    Double sampleRate;
    String origin;
    String name;
    TransactionSource source;
    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, Map<String, Object>> contexts = Map.of();
    List<Breadcrumb> breadcrumbs = List.of();
    List<SpanData> spans = new ArrayList<>();

    TransactionData build() {
      return new TransactionData(this);
    }
  }
}
