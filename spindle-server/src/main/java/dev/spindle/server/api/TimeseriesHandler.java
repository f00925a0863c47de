package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.Storage;
import dev.spindle.storage.SummaryQuery;
import dev.spindle.storage.TimeBucket;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /api/v1/transactions/timeseries?interval=1h}: count, tpm, p95 and failure rate per bucket. */
final class TimeseriesHandler implements Handler {
  /** Points per answer at most. */
  static final int MAX_POINTS = 5000;

  private final Storage storage;

  TimeseriesHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    SummaryQuery q = QueryParams.summary(ctx, 1);
    String iv = ctx.queryParam("interval");
    long interval = QueryParams.periodUs(iv == null || iv.isBlank() ? "1h" : iv, "interval");
    if ((q.endUs() - q.startUs()) / interval > MAX_POINTS) {
      throw ApiException.badRequest("interval: '" + iv + "' gives more than " + MAX_POINTS + " points; use a longer interval");
    }
    ArrayNode data = Responses.array();
    for (TimeBucket b : storage.aggregator().timeseries(q, interval)) {
      ObjectNode o = data.addObject();
      o.put("timestamp", Timestamps.seconds(b.startUs()));
      o.put("count", b.count());
      o.put("tpm", b.tpm());
      o.put("p95", b.p95());
      o.put("failureRate", b.failureRate());
    }
    ObjectNode res = Json.object();
    res.put("intervalSeconds", interval / 1_000_000);
    res.set("data", data);
    Responses.json(ctx, 200, res);
  }
}
