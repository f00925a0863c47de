package dev.spindle.storage;

import java.util.List;

/** Every stored span and error of one trace, spans ordered by start time. */
public record TraceData(String traceId, List<SpanRow> spans, List<ErrorRow> errors) {
  public TraceData {
    spans = List.copyOf(spans);
    errors = List.copyOf(errors);
  }

  public boolean isEmpty() {
    return spans.isEmpty() && errors.isEmpty();
  }
}
