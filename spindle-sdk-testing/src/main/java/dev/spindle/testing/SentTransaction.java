package dev.spindle.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A transaction as it was sent, with its child spans: read from the transaction event's JSON, so
 * it is what the server would receive ({@code beforeSendTransaction} applied, scopes merged).
 */
public final class SentTransaction {
  private final Map<String, Object> json;
  private final Map<String, Object> trace;
  private final Map<String, Object> dsc;
  private final List<SentSpan> spans;

  SentTransaction(Map<String, Object> json, Map<String, Object> dsc) {
    this.json = json;
    this.trace = Json.object(Json.object(json, "contexts"), "trace");
    this.dsc = dsc;
    List<SentSpan> s = new ArrayList<>();
    for (Map<String, Object> span : Json.objects(json, "spans")) s.add(new SentSpan(span));
    this.spans = List.copyOf(s);
  }

  public String eventId() {
    return Json.string(json, "event_id");
  }

  public String name() {
    return Json.string(json, "transaction");
  }

  /** How the name was found: {@code route}, {@code url}, {@code custom}, ... */
  public String source() {
    return Json.string(Json.object(json, "transaction_info"), "source");
  }

  public String traceId() {
    return Json.string(trace, "trace_id");
  }

  /** The span id of the transaction's own (root) span. */
  public String spanId() {
    return Json.string(trace, "span_id");
  }

  /** The caller's span id when the trace was continued, else null. */
  public String parentSpanId() {
    return Json.string(trace, "parent_span_id");
  }

  public String operation() {
    return Json.string(trace, "op");
  }

  public String status() {
    return Json.string(trace, "status");
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

  public String release() {
    return Json.string(json, "release");
  }

  public String environment() {
    return Json.string(json, "environment");
  }

  /** The scopes' tags and the transaction's own. */
  public Map<String, String> tags() {
    return Json.strings(json, "tags");
  }

  /** The transaction span's data. */
  public Map<String, Object> data() {
    return Json.object(trace, "data");
  }

  /** The {@code user} object ({@code id}, {@code username}, {@code email}, {@code ip_address}), or empty. */
  public Map<String, Object> user() {
    return Json.object(json, "user");
  }

  /** The child spans, in the order they started. */
  public List<SentSpan> spans() {
    return spans;
  }

  /** The first child span with this operation; NoSuchElementException naming those there are. */
  public SentSpan span(String operation) {
    for (SentSpan s : spans) {
      if (Objects.equals(operation, s.operation())) return s;
    }
    throw new NoSuchElementException("no span with op " + operation + " in " + name() + ": " + spans);
  }

  /** The direct children of {@code parentSpanId} (this transaction's {@link #spanId()} for the top level). */
  public List<SentSpan> childrenOf(String parentSpanId) {
    List<SentSpan> children = new ArrayList<>();
    for (SentSpan s : spans) if (Objects.equals(parentSpanId, s.parentSpanId())) children.add(s);
    return children;
  }

  /** The dynamic sampling context sent in the envelope's {@code trace} header, or empty. */
  public Map<String, Object> dynamicSamplingContext() {
    return dsc;
  }

  /** The whole event, parsed. */
  public Map<String, Object> json() {
    return json;
  }

  @Override
  public String toString() {
    return "SentTransaction{" + name() + " " + operation() + ", " + spans.size() + " spans}";
  }
}
