package dev.spindle.serverbench;

import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Storage rows for a {@link TraceShape}, as the server's Sentry mapping stores them: children
 * inherit the transaction's name, release, environment, user, service and platform; the
 * transaction's tags sit on its root; span data and origin go to {@code dataJson}. A failed trace
 * also gets one error event (an exception in its failing database span).
 */
final class Rows {
  private Rows() {}

  static final long PROJECT = 1;

  static void spans(TraceShape t, List<SpanRow> out) {
    SpanRow[] roots = new SpanRow[t.eventIds.length];
    for (int tx = 0; tx < t.eventIds.length; tx++) {
      int r = t.firstSpan(tx);
      int name = t.transactionName[tx];
      roots[tx] = SpanRow.builder().projectId(PROJECT).traceId(t.traceId).spanId(t.spanIds[r])
          .parentSpanId(t.parent[r] < 0 ? null : t.spanIds[t.parent[r]]).segmentId(t.eventIds[tx])
          .segment(true).transaction(Catalog.TRANSACTIONS[name]).transactionSource("route")
          .op("http.server").status(t.status(r)).startUs(t.startUs[r]).endUs(t.endUs[r])
          .tags(Map.of("service.name", Catalog.service(name), "http.method", Catalog.method(name),
              "http.status_code", Integer.toString(tx == 0 ? t.statusCode : 200)))
          .dataJson(data(t, r)).release(t.release).environment(Catalog.ENVIRONMENT)
          .user("id:" + t.user).sampleRate(1.0).service(Catalog.service(name)).platform("java")
          .build();
    }
    for (int i = 0; i < TraceShape.SPANS; i++) {
      int tx = t.transactionOf(i);
      if (t.isRoot(i)) {
        out.add(roots[tx]);
        continue;
      }
      out.add(roots[tx].toBuilder().spanId(t.spanIds[i]).parentSpanId(t.spanIds[t.parent[i]])
          .segment(false).op(t.op(i)).description(t.description(i)).status(t.status(i))
          .startUs(t.startUs[i]).endUs(t.endUs[i]).tags(Map.of()).dataJson(data(t, i)).build());
    }
  }

  /** The span's {@code dataJson}: {@code {"data":{...},"origin":...}}, as the mapper writes it. */
  static String data(TraceShape t, int i) {
    StringBuilder b = new StringBuilder(128);
    b.append("{\"data\":{\"thread.id\":\"").append(40 + t.thread[i]).append("\",\"thread.name\":\"")
        .append(t.threadName(i)).append('"');
    if (t.kind[i] == 0 || t.kind[i] == 3) b.append(",\"db.system\":\"postgresql\"");
    return b.append("},\"origin\":\"").append(t.origin(i)).append("\"}").toString();
  }

  /** The error event of a failed trace, or {@code null}. */
  static ErrorRow error(TraceShape t, SplittableRandom rnd) {
    if (!t.failed) return null;
    int s = t.failedSpan;
    int name = t.transactionName[0];
    String eventId = Hex.id128(rnd);
    String message = "ERROR: deadlock detected";
    String payload = "{\"event_id\":\"" + eventId + "\",\"level\":\"error\",\"platform\":\"java\","
        + "\"exception\":{\"values\":[{\"type\":\"PSQLException\",\"module\":\"org.postgresql.util\","
        + "\"value\":\"" + message + "\",\"stacktrace\":{\"frames\":["
        + "{\"module\":\"org.postgresql.core.v3.QueryExecutorImpl\",\"function\":\"receiveErrorResponse\",\"lineno\":2725},"
        + "{\"module\":\"com.example.shop.OrderRepository\",\"function\":\"update\",\"lineno\":88},"
        + "{\"module\":\"com.example.shop.OrderController\",\"function\":\"handle\",\"lineno\":41}]}}]},"
        + "\"contexts\":{\"trace\":{\"trace_id\":\"" + t.traceId + "\",\"span_id\":\"" + t.spanIds[s] + "\"}}}";
    return new ErrorRow(PROJECT, eventId, t.traceId, t.spanIds[s], t.endUs[s], "error", message,
        "org.postgresql.util.PSQLException", Catalog.TRANSACTIONS[name],
        Map.of("service.name", Catalog.service(name)), t.release, Catalog.ENVIRONMENT, "id:" + t.user,
        "java", payload);
  }
}
