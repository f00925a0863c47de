package dev.spindle.transport;

import static java.util.Objects.requireNonNull;

import dev.spindle.internal.transport.Rfc3339;
import dev.spindle.protocol.internal.EnvelopeReader;
import dev.spindle.protocol.internal.EnvelopeWriter;
import dev.spindle.protocol.internal.JsonWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An immutable Sentry envelope: one line of JSON headers followed by items, each an item header
 * line and a payload; framed by the protocol module's {@link EnvelopeWriter} and
 * {@link EnvelopeReader}.
 *
 * <p>{@code sent_at} is not part of the value: it is written by {@link #serialize(Instant)} at
 * the moment of sending.
 */
public final class Envelope {
  private final String eventId;
  private final String dsn;
  private final String sdkName;
  private final String sdkVersion;
  private final String traceJson;
  private final List<Item> items;

  private Envelope(String eventId, String dsn, String sdkName, String sdkVersion, String traceJson,
      List<Item> items) {
    this.eventId = eventId;
    this.dsn = dsn;
    this.sdkName = sdkName;
    this.sdkVersion = sdkVersion;
    this.traceJson = traceJson;
    this.items = items;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@code event_id} header, or null. */
  public String eventId() {
    return eventId;
  }

  /** The {@code dsn} header, or null. */
  public String dsn() {
    return dsn;
  }

  /** The {@code sdk.name} header, or null. */
  public String sdkName() {
    return sdkName;
  }

  /** The {@code sdk.version} header, or null. */
  public String sdkVersion() {
    return sdkVersion;
  }

  /** The {@code trace} header (the dynamic sampling context) as raw JSON, or null. */
  public String traceJson() {
    return traceJson;
  }

  /** The items in order; unmodifiable. */
  public List<Item> items() {
    return items;
  }

  /** A copy of this envelope with other items (same headers), such as some of its own. */
  public Envelope withItems(List<Item> newItems) {
    return new Envelope(eventId, dsn, sdkName, sdkVersion, traceJson,
        Collections.unmodifiableList(new ArrayList<>(newItems)));
  }

  /** A copy of this envelope with one more item (same headers). */
  public Envelope withItem(String type, String contentType, byte[] payload) {
    List<Item> more = new ArrayList<>(items);
    more.add(new Item(requireNonNull(type, "type"), contentType, requireNonNull(payload, "payload")));
    return withItems(more);
  }

  /**
   * Produces every lazy item now. Returns this envelope, or one without the items their producers
   * dropped, or null when it had items and all were dropped (nothing left to send).
   */
  public Envelope produce() {
    List<Item> kept = null;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      boolean keep = item.produce();
      if (!keep && kept == null) kept = new ArrayList<>(items.subList(0, i));
      else if (keep && kept != null) kept.add(item);
    }
    if (kept == null) return this;
    return kept.isEmpty() ? null : withItems(kept);
  }

  /**
   * Serializes this envelope in the Sentry envelope format ({@link EnvelopeWriter}) with
   * {@code sent_at} set to {@code sentAt} (omitted when null). Headers are compact one-line JSON
   * and every item header has its exact byte {@code length}; items dropped by their producer are
   * left out.
   */
  public byte[] serialize(Instant sentAt) {
    int hint = 160 + (dsn == null ? 0 : dsn.length()) + (traceJson == null ? 0 : traceJson.length());
    JsonWriter h = new JsonWriter(new StringBuilder(hint)).beginObject();
    if (eventId != null) h.name("event_id").value(eventId);
    if (dsn != null) h.name("dsn").value(dsn);
    if (sdkName != null || sdkVersion != null) {
      h.name("sdk").beginObject();
      if (sdkName != null) h.name("name").value(sdkName);
      if (sdkVersion != null) h.name("version").value(sdkVersion);
      h.endObject();
    }
    if (sentAt != null) h.name("sent_at").value(Rfc3339.format(sentAt));
    if (traceJson != null) h.name("trace").rawValue(traceJson);
    h.endObject();
    EnvelopeWriter out = new EnvelopeWriter(h.toString());
    for (Item item : items) {
      if (item.produce()) out.item(item.type, item.contentType, item.rawPayload());
    }
    return out.toByteArray();
  }

  /**
   * Parses a serialized envelope ({@link EnvelopeReader}, without limits). {@code sent_at} and
   * unknown headers are ignored.
   *
   * @throws IllegalArgumentException with the offset and reason when the input is malformed
   */
  public static Envelope parse(byte[] data) {
    EnvelopeReader.Parsed parsed = EnvelopeReader.unlimited().read(requireNonNull(data, "data"));
    Builder b = builder();
    b.eventId = parsed.header("event_id");
    b.dsn = parsed.header("dsn");
    if (parsed.headers().get("sdk") instanceof Map<?, ?> sdk) {
      b.sdkName = sdk.get("name") instanceof String name ? name : null;
      b.sdkVersion = sdk.get("version") instanceof String version ? version : null;
    }
    if (parsed.headers().get("trace") instanceof Map) b.traceJson = parsed.rawHeader("trace");
    for (EnvelopeReader.Item item : parsed.items()) {
      b.items.add(new Item(item.type(), item.contentType(), item.payload()));
    }
    return b.build();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Envelope{eventId=").append(eventId).append(", items=[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) b.append(", ");
      b.append(items.get(i));
    }
    return b.append("]}").toString();
  }

  /**
   * One item: a type, an optional content type and a payload of bytes. The payload may be
   * produced lazily, once, by whichever thread first needs it (the transport's sender), so that
   * serialization stays off the application's threads; a producer may return null to drop the
   * item.
   */
  public static final class Item {
    private static final byte[] DROPPED = new byte[0];
    private final String type;
    private final String contentType;
    private volatile byte[] payload;
    private Supplier<byte[]> producer;

    Item(String type, String contentType, byte[] payload) {
      this.type = type;
      this.contentType = contentType;
      this.payload = payload;
    }

    Item(String type, String contentType, Supplier<byte[]> producer) {
      this.type = type;
      this.contentType = contentType;
      this.producer = producer;
    }

    /** Runs the producer if it has not run; true unless it dropped the item. */
    boolean produce() {
      byte[] p = payload;
      if (p == null) {
        synchronized (this) {
          p = payload;
          if (p == null) {
            try {
              p = producer.get();
            } catch (RuntimeException e) {
              p = null;
            }
            if (p == null) p = DROPPED;
            payload = p;
            producer = null;
          }
        }
      }
      return p != DROPPED;
    }

    /** The item type, e.g. {@code transaction}, {@code event}, {@code span}. */
    public String type() {
      return type;
    }

    /** The {@code content_type} header, or null. */
    public String contentType() {
      return contentType;
    }

    /** A copy of the payload bytes (empty for a dropped item). */
    public byte[] payload() {
      return rawPayload().clone();
    }

    /** The payload length in bytes. */
    public int length() {
      return rawPayload().length;
    }

    byte[] rawPayload() {
      produce();
      return payload;
    }

    /**
     * The rate-limit and client-report category: {@code transaction} → {@code transaction},
     * {@code event} → {@code error}, {@code span} → {@code span}, {@code client_report} → null
     * (internal: never counted nor rate limited), anything else → {@code default}.
     */
    public String dataCategory() {
      return dataCategory(type);
    }

    static String dataCategory(String type) {
      switch (type) {
        case "transaction": return "transaction";
        case "event": return "error";
        case "span": return "span";
        case "client_report": return null;
        default: return "default";
      }
    }

    @Override
    public String toString() {
      byte[] p = payload;
      return "Item{" + type + ", " + (p == null ? "not yet produced" : p.length + " bytes") + "}";
    }
  }

  /** Builds an {@link Envelope}. All headers are optional; an envelope may have no items. */
  public static final class Builder {
    private String eventId;
    private String dsn;
    private String sdkName;
    private String sdkVersion;
    private String traceJson;
    private final List<Item> items = new ArrayList<>();

    private Builder() {}

    /** The {@code event_id} header (32 hex), required by Sentry for transactions; nullable. */
    public Builder eventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    /** The {@code dsn} header; nullable. */
    public Builder dsn(String dsn) {
      this.dsn = dsn;
      return this;
    }

    /** The {@code sdk} header: {@code {"name":..., "version":...}}. */
    public Builder sdk(String name, String version) {
      this.sdkName = requireNonNull(name, "name");
      this.sdkVersion = requireNonNull(version, "version");
      return this;
    }

    /**
     * The {@code trace} header: the dynamic sampling context as one raw JSON object (keys without
     * the {@code sentry-} prefix), written verbatim. Line breaks are replaced by spaces (they can
     * only be insignificant whitespace in valid JSON) so the header stays on one line.
     *
     * @throws IllegalArgumentException when the text is not braced like a JSON object
     */
    public Builder traceJson(String traceJson) {
      if (traceJson == null) {
        this.traceJson = null;
        return this;
      }
      String t = traceJson.replace('\n', ' ').replace('\r', ' ').trim();
      if (!t.startsWith("{") || !t.endsWith("}")) {
        throw new IllegalArgumentException("traceJson: " + traceJson
            + " (expected: a JSON object)");
      }
      this.traceJson = t;
      return this;
    }

    /**
     * Adds an item whose payload {@code producer} makes later, once, on the thread that sends or
     * serializes the envelope; it may return null to drop the item. Keeps serialization off the
     * caller's thread.
     */
    public Builder addItem(String type, String contentType, Supplier<byte[]> producer) {
      requireNonNull(type, "type");
      requireNonNull(producer, "producer");
      items.add(new Item(type, contentType, producer));
      return this;
    }

    /** Adds an item without content type. The payload is copied. */
    public Builder addItem(String type, byte[] payload) {
      return addItem(type, null, payload);
    }

    /** Adds an item. The payload is copied. */
    public Builder addItem(String type, String contentType, byte[] payload) {
      requireNonNull(type, "type");
      requireNonNull(payload, "payload");
      if (type.isEmpty()) throw new IllegalArgumentException("type: empty");
      items.add(new Item(type, contentType, payload.clone()));
      return this;
    }

    public Envelope build() {
      return new Envelope(eventId, dsn, sdkName, sdkVersion, traceJson,
          Collections.unmodifiableList(new ArrayList<>(items)));
    }
  }
}
