package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.ServiceMap;
import dev.spindle.storage.Storage;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /api/v1/service-map?project=P&statsPeriod=1h} (or {@code start}/{@code end}): the
 * services and the calls between them, with propagation health per edge.
 */
final class ServiceMapHandler implements Handler {
  private final Storage storage;

  ServiceMapHandler(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void handle(Context ctx) {
    ServiceMap map = storage.serviceMap().serviceMap(ServiceMapParams.query(ctx, storage.metadata()));
    ObjectNode res = Json.object();
    ArrayNode nodes = res.putArray("nodes");
    for (ServiceMap.Node n : map.nodes()) nodes.add(ServiceMapJson.node(n));
    ArrayNode edges = res.putArray("edges");
    for (ServiceMap.Edge e : map.edges()) edges.add(ServiceMapJson.edge(e));
    Responses.json(ctx, 200, res);
  }
}
