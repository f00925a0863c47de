package dev.spindle.transport;

import static java.util.Objects.requireNonNull;

import dev.spindle.internal.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An immutable Sentry envelope: one line of JSON headers followed by items, each an item header
 * line and a payload.
 *
 * <pre>{@code
 * Envelope = Headers { "\n" Item }       Item = Headers "\n" Payload
 * }</pre>
 *
 * <p>{@code sent_at} is not part of the value: it is written by {@link #serialize(Instant)} at
 * the moment of sending.
 */
public final class Envelope {
  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

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

  /** A copy of this envelope with other items (same headers). */
  Envelope withItems(List<Item> newItems) {
    return new Envelope(eventId, dsn, sdkName, sdkVersion, traceJson,
        Collections.unmodifiableList(new ArrayList<>(newItems)));
  }

  /** Formats an instant as RFC 3339 UTC with milliseconds, e.g. {@code 2024-05-01T12:00:00.123Z}. */
  static String rfc3339(Instant instant) {
    return RFC3339_MILLIS.format(instant);
  }

  /**
   * Serializes this envelope in the Sentry envelope format with {@code sent_at} set to
   * {@code sentAt} (omitted when null). Headers are compact one-line JSON and every item header
   * has its exact byte {@code length}.
   */
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

  public byte[] serialize(Instant sentAt) {
    JsonWriter h = new JsonWriter().beginObject();
    if (eventId != null) h.name("event_id").value(eventId);
    if (dsn != null) h.name("dsn").value(dsn);
    if (sdkName != null || sdkVersion != null) {
      h.name("sdk").beginObject();
      if (sdkName != null) h.name("name").value(sdkName);
      if (sdkVersion != null) h.name("version").value(sdkVersion);
      h.endObject();
    }
    if (sentAt != null) h.name("sent_at").value(rfc3339(sentAt));
    if (traceJson != null) h.name("trace").rawValue(traceJson);
    h.endObject();
    int size = 256;
    for (Item item : items) size += item.rawPayload().length + 64;
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
    for (Item item : items) {
      if (!item.produce()) continue; // dropped by its producer
      out.write('\n');
      JsonWriter ih = new JsonWriter().beginObject().name("type").value(item.type);
      if (item.contentType != null) ih.name("content_type").value(item.contentType);
      ih.name("length").value((long) item.rawPayload().length).endObject();
      out.writeBytes(ih.toString().getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      out.writeBytes(item.rawPayload());
    }
    return out.toByteArray();
  }

  /**
   * Parses a serialized envelope. An item's payload is exactly {@code length} bytes when the item
   * header has a length, else it runs to the next newline (or the end). A trailing newline is
   * allowed. {@code sent_at} and unknown headers are ignored.
   *
   * @throws IllegalArgumentException with the offset and reason when the input is malformed
   */
  public static Envelope parse(byte[] data) {
    requireNonNull(data, "data");
    int pos = 0;
    int eol = indexOf(data, (byte) '\n', 0);
    int headerEnd = eol < 0 ? data.length : eol;
    if (headerEnd == 0) throw new IllegalArgumentException("envelope: empty header line");
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, Object> headers;
    try {
      headers = JsonReader.parseObject(utf8(data, 0, headerEnd), raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("envelope header: " + e.getMessage(), e);
    }
    Builder b = builder();
    b.eventId = optString(headers, "event_id", "envelope header");
    b.dsn = optString(headers, "dsn", "envelope header");
    Object sdk = headers.get("sdk");
    if (sdk instanceof Map) {
      Map<?, ?> sdkMap = (Map<?, ?>) sdk;
      Object name = sdkMap.get("name");
      Object version = sdkMap.get("version");
      b.sdkName = name instanceof String ? (String) name : null;
      b.sdkVersion = version instanceof String ? (String) version : null;
    }
    Object trace = headers.get("trace");
    if (trace instanceof Map) b.traceJson = raw.get("trace");
    pos = eol < 0 ? data.length : eol + 1;
    int index = 0;
    while (pos < data.length) {
      int lineEnd = indexOf(data, (byte) '\n', pos);
      int headerLineEnd = lineEnd < 0 ? data.length : lineEnd;
      if (headerLineEnd == pos) {
        throw new IllegalArgumentException("item " + index + ": empty item header at offset "
            + pos);
      }
      Map<String, Object> ih;
      try {
        ih = JsonReader.parseObject(utf8(data, pos, headerLineEnd), null);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("item " + index + " header at offset " + pos + ": "
            + e.getMessage(), e);
      }
      String where = "item " + index + " header";
      String type = optString(ih, "type", where);
      if (type == null || type.isEmpty()) {
        throw new IllegalArgumentException(where + ": missing 'type' at offset " + pos);
      }
      String contentType = optString(ih, "content_type", where);
      Object lengthValue = ih.get("length");
      int payloadStart = lineEnd < 0 ? data.length : lineEnd + 1;
      byte[] payload;
      if (lengthValue != null) {
        if (!(lengthValue instanceof Long) || (Long) lengthValue < 0) {
          throw new IllegalArgumentException(where + ": 'length' is " + lengthValue
              + " (expected: a non-negative integer)");
        }
        long length = (Long) lengthValue;
        long remaining = data.length - payloadStart;
        if (length > remaining) {
          throw new IllegalArgumentException(where + ": length " + length + " exceeds the "
              + remaining + " remaining bytes");
        }
        payload = Arrays.copyOfRange(data, payloadStart, payloadStart + (int) length);
        pos = payloadStart + (int) length;
        if (pos < data.length) {
          if (data[pos] != '\n') {
            throw new IllegalArgumentException("item " + index + ": expected a newline after "
                + length + " payload bytes at offset " + pos);
          }
          pos++;
        }
      } else {
        int payloadEnd = indexOf(data, (byte) '\n', payloadStart);
        if (payloadEnd < 0) payloadEnd = data.length;
        payload = Arrays.copyOfRange(data, Math.min(payloadStart, data.length), payloadEnd);
        pos = payloadEnd + 1;
      }
      b.items.add(new Item(type, contentType, payload));
      index++;
    }
    return b.build();
  }

  private static String optString(Map<String, Object> map, String key, String where) {
    Object v = map.get(key);
    if (v == null) return null;
    if (!(v instanceof String)) {
      throw new IllegalArgumentException(where + ": '" + key + "' is not a string");
    }
    return (String) v;
  }

  private static String utf8(byte[] data, int from, int to) {
    return new String(data, from, to - from, StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] data, byte b, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == b) return i;
    }
    return -1;
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
