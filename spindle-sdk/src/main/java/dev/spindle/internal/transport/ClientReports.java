package dev.spindle.internal.transport;

import dev.spindle.transport.Envelope;
import dev.spindle.protocol.internal.JsonReader;
import dev.spindle.protocol.internal.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accumulates discarded-event counts {@code (reason, category) → quantity} until they are sent as
 * a {@code client_report} item. Thread-safe: {@link #record} and {@link #take} are atomic per key
 * (ConcurrentHashMap {@code merge}/{@code remove}), so a count is neither lost nor sent twice.
 */
final class ClientReports {
  private final Map<Key, Long> counts = new ConcurrentHashMap<>();

  /** Adds {@code quantity} discards. Null category or reason and non-positive quantities are ignored. */
  void record(String reason, String category, long quantity) {
    if (reason == null || category == null || quantity <= 0) return;
    counts.merge(new Key(reason, category), quantity, Long::sum);
  }

  boolean isEmpty() {
    return counts.isEmpty();
  }

  /** Atomically removes and returns the accumulated counts, or null when there are none. */
  Snapshot take() {
    if (counts.isEmpty()) return null;
    Map<Key, Long> taken = new LinkedHashMap<>();
    for (Key key : new ArrayList<>(counts.keySet())) {
      Long v = counts.remove(key);
      if (v != null) taken.merge(key, v, Long::sum);
    }
    return taken.isEmpty() ? null : new Snapshot(taken);
  }

  /** Puts counts back, e.g. when the envelope that carried them could not be delivered. */
  void restore(Snapshot snapshot) {
    if (snapshot == null) return;
    snapshot.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
  }

  /**
   * Puts back the counts of a serialized client report (a {@code client_report} payload that will
   * not be delivered). Malformed payloads are ignored.
   */
  void restore(byte[] clientReportPayload) {
    try {
      Map<String, Object> report = JsonReader.parseObject(
          new String(clientReportPayload, StandardCharsets.UTF_8), null);
      Object events = report.get("discarded_events");
      if (!(events instanceof List)) return;
      for (Object e : (List<?>) events) {
        if (!(e instanceof Map)) continue;
        Map<?, ?> m = (Map<?, ?>) e;
        Object reason = m.get("reason");
        Object category = m.get("category");
        Object quantity = m.get("quantity");
        if (reason instanceof String && category instanceof String && quantity instanceof Long) {
          record((String) reason, (String) category, (Long) quantity);
        }
      }
    } catch (RuntimeException ignored) {
      // a report we cannot read cannot be restored
    }
  }

  /** Current counts, for tests and diagnostics. */
  long count(String reason, String category) {
    Long v = counts.get(new Key(reason, category));
    return v == null ? 0 : v;
  }

  /** One reason and category. */
  static final class Key {
    final String reason;
    final String category;

    Key(String reason, String category) {
      this.reason = reason;
      this.category = category;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) return false;
      Key k = (Key) o;
      return k.reason.equals(reason) && k.category.equals(category);
    }

    @Override
    public int hashCode() {
      return reason.hashCode() * 31 + category.hashCode();
    }
  }

  /** Counts taken out of the recorder, to be sent once. */
  static final class Snapshot {
    final Map<Key, Long> counts;

    Snapshot(Map<Key, Long> counts) {
      this.counts = Collections.unmodifiableMap(counts);
    }

    /**
     * The {@code client_report} payload:
     * {@code {"timestamp":"<rfc3339>","discarded_events":[{"reason","category","quantity"}]}}.
     */
    byte[] toPayload(Instant timestamp) {
      JsonWriter w = new JsonWriter().beginObject()
          .name("timestamp").value(Rfc3339.format(timestamp))
          .name("discarded_events").beginArray();
      counts.forEach((k, v) -> w.beginObject()
          .name("reason").value(k.reason)
          .name("category").value(k.category)
          .name("quantity").value(v.longValue())
          .endObject());
      return w.endArray().endObject().toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
