package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.TraceContextReport;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.Outcome;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.ServiceMapQuery;
import dev.spindle.storage.Storage;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /api/v1/propagation?project=P&statsPeriod=24h&interval=1h}: the edges that lost or
 * orphaned calls, worst lost share first, each with its lost share per interval ("since when").
 * Without {@code interval}, the shortest of 1m, 5m, 15m, 1h, 6h and 1d giving at most
 * {@link #DEFAULT_POINTS} points. {@code rejectedHeaders}: per project, the incoming requests
 * whose trace headers its SDKs could not read (client reports with reason
 * {@value TraceContextReport#INVALID_TRACE_HEADERS}, which Spindle's SDK sends): contexts lost on arrival.
 */
final class PropagationHandler implements Handler {
  static final int DEFAULT_POINTS = 120;
  private static final long MINUTE = 60_000_000L;
  private static final long[] INTERVALS = {MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 360 * MINUTE, 1440 * MINUTE};

  private final Storage storage;

  PropagationHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    ServiceMapQuery q = ServiceMapParams.query(ctx, storage.metadata());
    long period = q.endUs() - q.startUs();
    String iv = ctx.queryParam("interval");
    long interval;
    if (iv == null || iv.isBlank()) {
      interval = INTERVALS[INTERVALS.length - 1];
      for (int i = INTERVALS.length - 1; i >= 0 && period / INTERVALS[i] < DEFAULT_POINTS; i--) interval = INTERVALS[i];
    } else {
      interval = QueryParams.periodUs(iv, "interval");
    }
    if (period / interval >= ServiceMapQuery.MAX_BUCKETS) {
      throw ApiException.badRequest("interval: " + interval / 1_000_000 + " s gives more than "
          + ServiceMapQuery.MAX_BUCKETS + " points over the period; use a longer interval");
    }
    List<ServiceMap.Edge> edges = storage.serviceMap().serviceMap(q.withSeries(interval)).edges().stream()
        .filter(e -> e.lost() + e.orphaned() > 0)
        .sorted(Comparator.comparingDouble(ServiceMap.Edge::lostShare).reversed()
            .thenComparing(Comparator.comparingLong((ServiceMap.Edge e) -> e.lost() + e.orphaned()).reversed()))
        .toList();
    ObjectNode res = Json.object();
    res.put("intervalSeconds", interval / 1_000_000);
    ArrayNode out = res.putArray("edges");
    for (ServiceMap.Edge e : edges) out.add(ServiceMapJson.edge(e));
    ArrayNode rejected = res.putArray("rejectedHeaders");
    for (Outcome o : storage.outcomes().outcomes(q.projectId(), q.startUs(), q.endUs())) {
      if (o.reason().equals(TraceContextReport.INVALID_TRACE_HEADERS) && q.visible(o.projectId())) {
        rejected.addObject().put("projectId", o.projectId()).put("count", o.quantity());
      }
    }
    Responses.json(ctx, 200, res);
  }
}
