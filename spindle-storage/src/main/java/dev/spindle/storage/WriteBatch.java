package dev.spindle.storage;

import java.util.ArrayList;
import java.util.List;

/** Rows written together: all of them, or none. */
public record WriteBatch(List<SpanRow> spans, List<ErrorRow> errors,
    List<ClientReportRow> clientReports) {

  public WriteBatch {
    spans = spans == null ? List.of() : List.copyOf(spans);
    errors = errors == null ? List.of() : List.copyOf(errors);
    clientReports = clientReports == null ? List.of() : List.copyOf(clientReports);
  }

  public static WriteBatch ofSpans(List<SpanRow> spans) {
    return new WriteBatch(spans, List.of(), List.of());
  }

  public boolean isEmpty() {
    return spans.isEmpty() && errors.isEmpty() && clientReports.isEmpty();
  }

  /** The number of rows in the batch. */
  public int size() {
    return spans.size() + errors.size() + clientReports.size();
  }

  /** Concatenates batches, in order. */
  public static WriteBatch concat(List<WriteBatch> batches) {
    List<SpanRow> s = new ArrayList<>();
    List<ErrorRow> e = new ArrayList<>();
    List<ClientReportRow> c = new ArrayList<>();
    for (WriteBatch b : batches) {
      s.addAll(b.spans);
      e.addAll(b.errors);
      c.addAll(b.clientReports);
    }
    return new WriteBatch(s, e, c);
  }
}
