package dev.spindle.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ServiceMap;

/** The JSON of the service map's nodes and edges, shared by the service-map and propagation endpoints. */
final class ServiceMapJson {
  private ServiceMapJson() {}

  static ObjectNode node(ServiceMap.Node n) {
    return Json.object().put("service", n.service()).put("transactions", n.transactions())
        .put("failureRate", n.failureRate()).put("p95", n.p95());
  }

  /** An edge with its examples; its series too when it has one. */
  static ObjectNode edge(ServiceMap.Edge e) {
    ObjectNode o = Json.object().put("source", e.source()).put("target", e.target())
        .put("calls", e.calls()).put("failureRate", e.failureRate()).put("p50", e.p50())
        .put("p95", e.p95()).put("linked", e.linked()).put("orphaned", e.orphaned())
        .put("lost", e.lost()).put("lostShare", e.lostShare());
    ServiceMap.Causes c = e.causes();
    o.putObject("causes").put("noHeaders", c.noHeaders()).put("asyncHandoff", c.asyncHandoff())
        .put("parentMissing", c.parentMissing()).put("samplingChanged", c.samplingChanged())
        .put("baggageDropped", c.baggageDropped());
    ArrayNode examples = o.putArray("examples");
    for (ServiceMap.Example x : e.examples()) {
      examples.addObject().put("traceId", x.traceId()).put("spanId", x.spanId())
          .put("description", x.description()).put("continuedTraceId", x.continuedTraceId());
    }
    if (!e.series().isEmpty()) {
      ArrayNode series = o.putArray("series");
      for (ServiceMap.Bucket b : e.series()) {
        series.addObject().put("timestamp", Timestamps.seconds(b.startUs())).put("linked", b.linked())
            .put("lost", b.lost()).put("lostShare", b.lostShare());
      }
    }
    return o;
  }
}
