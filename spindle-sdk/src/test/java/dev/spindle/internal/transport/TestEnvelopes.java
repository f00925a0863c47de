package dev.spindle.internal.transport;

import dev.spindle.transport.Envelope;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.internal.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Envelope and client-report helpers for tests. */
final class TestEnvelopes {
  private TestEnvelopes() {}

  static Envelope transaction() {
    return transaction(Ids.newEventId());
  }

  static Envelope transaction(String eventId) {
    return Envelope.builder()
        .eventId(eventId)
        .sdk("spindle.test", "1.0")
        .addItem("transaction", "application/json",
            ("{\"type\":\"transaction\",\"event_id\":\"" + eventId + "\"}")
                .getBytes(StandardCharsets.UTF_8))
        .build();
  }

  static Envelope error() {
    String eventId = Ids.newEventId();
    return Envelope.builder()
        .eventId(eventId)
        .addItem("event", ("{\"event_id\":\"" + eventId + "\"}").getBytes(StandardCharsets.UTF_8))
        .build();
  }

  static List<String> types(Envelope e) {
    return e.items().stream().map(Envelope.Item::type).collect(java.util.stream.Collectors.toList());
  }

  /** Sums the client reports of all given envelopes: "reason/category" → quantity. */
  static Map<String, Long> clientReportCounts(List<Envelope> envelopes) {
    Map<String, Long> counts = new HashMap<>();
    for (Envelope e : envelopes) {
      if (e == null) continue;
      for (Envelope.Item item : e.items()) {
        if (!item.type().equals("client_report")) continue;
        Map<String, Object> report =
            JsonReader.parseObject(new String(item.payload(), StandardCharsets.UTF_8), null);
        if (!(report.get("timestamp") instanceof String)) {
          throw new AssertionError("client report without timestamp: " + report);
        }
        for (Object o : (List<?>) report.get("discarded_events")) {
          Map<?, ?> d = (Map<?, ?>) o;
          counts.merge(d.get("reason") + "/" + d.get("category"), (Long) d.get("quantity"),
              Long::sum);
        }
      }
    }
    return counts;
  }
}
