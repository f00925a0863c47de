package dev.spindle.server.ingest;

import dev.spindle.storage.ClientReportRow;
import java.util.List;

/** The spans a mapper dropped (as outcome rows), counted and described for the sender. */
final class Rejections {
  private Rejections() {}

  /** How many spans were dropped. */
  static long count(List<ClientReportRow> drops) {
    long n = 0;
    for (ClientReportRow d : drops) n += d.quantity();
    return n;
  }

  /** E.g. {@code 2 spans refused: 1 invalid_span (...), 1 timestamp (...)}; empty when none. */
  static String describe(List<ClientReportRow> drops) {
    if (drops.isEmpty()) return "";
    StringBuilder b = new StringBuilder().append(count(drops)).append(" spans refused:");
    String sep = " ";
    for (ClientReportRow d : drops) {
      b.append(sep).append(d.quantity()).append(' ').append(d.reason()).append(" (").append(why(d.reason())).append(')');
      sep = ", ";
    }
    return b.toString();
  }

  private static String why(String reason) {
    return switch (reason) {
      case "invalid_span" -> "missing or invalid ids, start or end";
      case TimeWindow.OUTCOME -> TimeWindow.REFUSED;
      default -> reason;
    };
  }
}
