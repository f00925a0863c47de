package dev.spindle.protocol.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Sentry envelope's framing:
 *
 * <pre>{@code
 * Envelope = Headers { "\n" Item } [ "\n" ]      Item = Headers "\n" Payload
 * }</pre>
 *
 * <p>Headers are one-line JSON objects ({@link JsonReader}). An item header needs a {@code type};
 * with a {@code length} the payload is exactly that many bytes (and may contain newlines), without
 * one it runs to the next newline or the end. Blank lines between items are skipped. Payloads are
 * not copied: each {@link Item} is a slice of the input.
 *
 * <p>Malformed input throws {@link MalformedEnvelopeException}; an item over {@code maxItemBytes}
 * or more than {@code maxItems} items throw {@link EnvelopeTooLargeException}. Both are
 * {@link IllegalArgumentException}s whose message names the item and the offset or limit.
 * Immutable and thread-safe.
 */
public final class EnvelopeReader {
  private final int maxItems;
  private final long maxItemBytes;

  /**
   * @param maxItems the most items an envelope may have
   * @param maxItemBytes the largest payload an item may have
   */
  public EnvelopeReader(int maxItems, long maxItemBytes) {
    if (maxItems < 0) throw new IllegalArgumentException("maxItems: " + maxItems + " (expected: >= 0)");
    if (maxItemBytes < 0) {
      throw new IllegalArgumentException("maxItemBytes: " + maxItemBytes + " (expected: >= 0)");
    }
    this.maxItems = maxItems;
    this.maxItemBytes = maxItemBytes;
  }

  /** A reader without limits, for envelopes this process wrote itself. */
  public static EnvelopeReader unlimited() {
    return new EnvelopeReader(Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Reads {@code data}; the returned items are slices of it (do not modify it afterwards). */
  public Parsed read(byte[] data) {
    int eol = lineEnd(data, 0);
    if (eol == 0) {
      throw new MalformedEnvelopeException("envelope header: missing (empty body or empty first line)");
    }
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, Object> headers = json(data, 0, eol, raw, 0);
    List<Item> items = new ArrayList<>();
    int pos = eol + 1;
    while (pos < data.length) {
      int end = lineEnd(data, pos);
      if (isBlank(data, pos, end)) {
        pos = end + 1;
        continue;
      }
      int n = items.size() + 1;
      if (n > maxItems) throw new EnvelopeTooLargeException("envelope has more than " + maxItems + " items");
      Map<String, Object> ih = json(data, pos, end, null, n);
      if (!(ih.get("type") instanceof String type) || type.isEmpty()) {
        throw new MalformedEnvelopeException("item #" + n + " header at offset " + pos + ": missing 'type'");
      }
      int start = Math.min(data.length, end + 1);
      int length;
      Object declared = ih.get("length");
      if (declared != null) {
        if (!(declared instanceof Long l) || l < 0) {
          throw new MalformedEnvelopeException(item(n, type) + ": invalid length " + declared
              + " (expected: a non-negative integer)");
        }
        checkSize(n, type, l);
        if (l > data.length - start) {
          throw new MalformedEnvelopeException(item(n, type) + ": length " + l
              + " runs past the end of the envelope (" + (data.length - start) + " bytes left)");
        }
        length = l.intValue();
        pos = start + length;
        if (pos < data.length && data[pos] != '\n') {
          throw new MalformedEnvelopeException(item(n, type) + ": payload is longer than its length "
              + l + " (no newline at offset " + pos + ")");
        }
      } else {
        length = lineEnd(data, start) - start;
        checkSize(n, type, length);
        pos = start + length;
      }
      pos++; // the newline after the payload
      items.add(new Item(ih, type, data, start, length));
    }
    return new Parsed(headers, raw, items);
  }

  private void checkSize(int n, String type, long length) {
    if (length > maxItemBytes) {
      throw new EnvelopeTooLargeException(item(n, type) + " is " + length + " bytes (limit " + maxItemBytes + ")");
    }
  }

  private static String item(int n, String type) {
    return "item #" + n + " ('" + type + "')";
  }

  /** Parses the header line {@code [from, to)}: the envelope's when {@code n} is 0, else item n's. */
  private static Map<String, Object> json(byte[] b, int from, int to, Map<String, String> raw, int n) {
    try {
      return JsonReader.parseObject(new String(b, from, to - from, StandardCharsets.UTF_8), raw);
    } catch (IllegalArgumentException e) {
      String where = n == 0 ? "envelope header" : "item #" + n + " header at offset " + from;
      throw new MalformedEnvelopeException(where + ": " + e.getMessage());
    }
  }

  private static int lineEnd(byte[] b, int from) {
    for (int i = from; i < b.length; i++) if (b[i] == '\n') return i;
    return b.length;
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\r' && b[i] != '\t') return false;
    }
    return true;
  }

  private static String string(Map<String, Object> map, String name, String where) {
    Object v = map.get(name);
    if (v == null || v instanceof String) return (String) v;
    throw new MalformedEnvelopeException(where + ": '" + name + "' is not a string");
  }

  /** A read envelope: its header and its items in order. */
  public static final class Parsed {
    private final Map<String, Object> headers;
    private final Map<String, String> rawHeaders;
    private final List<Item> items;

    Parsed(Map<String, Object> headers, Map<String, String> rawHeaders, List<Item> items) {
      this.headers = Collections.unmodifiableMap(headers);
      this.rawHeaders = rawHeaders;
      this.items = Collections.unmodifiableList(items);
    }

    /** The header object, as {@link JsonReader} reads JSON. */
    public Map<String, Object> headers() {
      return headers;
    }

    /**
     * A string header such as {@code event_id} or {@code dsn}, or null when absent.
     *
     * @throws MalformedEnvelopeException when it is present but not a string
     */
    public String header(String name) {
      return string(headers, name, "envelope header");
    }

    /** The verbatim JSON text of a header's value (e.g. the {@code trace} object), or null. */
    public String rawHeader(String name) {
      return rawHeaders.get(name);
    }

    public List<Item> items() {
      return items;
    }
  }

  /** One item: its header and its payload, a slice of the envelope's bytes. */
  public static final class Item {
    private final Map<String, Object> headers;
    private final String type;
    private final byte[] data;
    private final int offset;
    private final int length;

    Item(Map<String, Object> headers, String type, byte[] data, int offset, int length) {
      this.headers = Collections.unmodifiableMap(headers);
      this.type = type;
      this.data = data;
      this.offset = offset;
      this.length = length;
    }

    /** The item header object. */
    public Map<String, Object> headers() {
      return headers;
    }

    /** The item type, never empty. */
    public String type() {
      return type;
    }

    /**
     * The {@code content_type} header, or null.
     *
     * @throws MalformedEnvelopeException when it is present but not a string
     */
    public String contentType() {
      return string(headers, "content_type", "item '" + type + "' header");
    }

    /** The whole envelope's bytes, of which the payload is {@code [offset, offset + length)}. */
    public byte[] data() {
      return data;
    }

    public int offset() {
      return offset;
    }

    public int length() {
      return length;
    }

    /** A copy of the payload. */
    public byte[] payload() {
      return Arrays.copyOfRange(data, offset, offset + length);
    }
  }
}
