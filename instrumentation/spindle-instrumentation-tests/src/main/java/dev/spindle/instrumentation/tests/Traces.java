package dev.spindle.instrumentation.tests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading transaction event JSON in assertions. */
public final class Traces {
  private Traces() {}

  /** {@code contexts.trace.span_id}: the transaction's root span id. */
  public static String spanIdOf(JsonNode transaction) {
    return transaction.path("contexts").path("trace").path("span_id").asText(null);
  }

  /** {@code contexts.trace.trace_id}. */
  public static String traceIdOf(JsonNode transaction) {
    return transaction.path("contexts").path("trace").path("trace_id").asText(null);
  }

  /** {@code contexts.trace.parent_span_id}, or null for a root transaction. */
  public static String parentSpanIdOf(JsonNode transaction) {
    JsonNode p = transaction.path("contexts").path("trace").get("parent_span_id");
    return p == null || p.isNull() ? null : p.asText();
  }

  /** {@code contexts.trace.status}. */
  public static String statusOf(JsonNode transaction) {
    return transaction.path("contexts").path("trace").path("status").asText(null);
  }

  /** {@code contexts.trace.op}. */
  public static String operationOf(JsonNode transaction) {
    return transaction.path("contexts").path("trace").path("op").asText(null);
  }

  /** {@code transaction_info.source}. */
  public static String sourceOf(JsonNode transaction) {
    return transaction.path("transaction_info").path("source").asText(null);
  }

  /** The child spans of the transaction with operation {@code op}. */
  public static List<JsonNode> spans(JsonNode transaction, String op) {
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode s : transaction.path("spans")) {
      if (op.equals(s.path("op").asText())) result.add(s);
    }
    return result;
  }

  /** The child span with this id, or null. */
  public static JsonNode span(JsonNode transaction, String spanId) {
    for (JsonNode s : transaction.path("spans")) {
      if (spanId.equals(s.path("span_id").asText())) return s;
    }
    return null;
  }
}
