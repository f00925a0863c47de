package dev.spindle.protocol.internal;

import java.util.Map;

/**
 * A minimal, allocation-conscious JSON writer for the SDK's payloads (envelope and item headers,
 * transaction and error events, client reports). The SDK has no third-party runtime dependencies,
 * so it cannot use Jackson; {@link JsonReader} is the reading side.
 *
 * <p>Usage: {@code new JsonWriter().beginObject().name("a").value(1).endObject().toString()}.
 * Commas between members and array elements are inserted automatically.
 */
public final class JsonWriter {
  private final StringBuilder out;
  /** Bit per nesting level: whether the next value at that level needs a leading comma. */
  private long needsComma;
  private int depth;
  private boolean afterName;

  public JsonWriter() {
    this(new StringBuilder(256));
  }

  public JsonWriter(StringBuilder out) {
    this.out = out;
  }

  public JsonWriter beginObject() {
    beforeValue();
    out.append('{');
    push();
    return this;
  }

  public JsonWriter endObject() {
    pop();
    out.append('}');
    return this;
  }

  public JsonWriter beginArray() {
    beforeValue();
    out.append('[');
    push();
    return this;
  }

  public JsonWriter endArray() {
    pop();
    out.append(']');
    return this;
  }

  public JsonWriter name(String name) {
    if (afterName) throw new IllegalStateException("name after name: " + name);
    comma();
    string(name);
    out.append(':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String value) {
    beforeValue();
    if (value == null) out.append("null");
    else string(value);
    return this;
  }

  public JsonWriter value(long value) {
    beforeValue();
    out.append(value);
    return this;
  }

  public JsonWriter value(boolean value) {
    beforeValue();
    out.append(value);
    return this;
  }

  /** Writes a finite double; NaN and infinities are written as {@code null}, which JSON allows. */
  public JsonWriter value(double value) {
    beforeValue();
    if (Double.isNaN(value) || Double.isInfinite(value)) out.append("null");
    else if (value == Math.rint(value) && Math.abs(value) < 1e15) out.append((long) value);
    else out.append(value);
    return this;
  }

  public JsonWriter nullValue() {
    beforeValue();
    out.append("null");
    return this;
  }

  /**
   * Writes seconds since the epoch from epoch microseconds, with exactly six decimals, as
   * Sentry's {@code start_timestamp}/{@code timestamp} expect.
   */
  public JsonWriter timestampMicros(long epochMicros) {
    beforeValue();
    long seconds = Math.floorDiv(epochMicros, 1_000_000L);
    long micros = Math.floorMod(epochMicros, 1_000_000L);
    out.append(seconds).append('.');
    String frac = Long.toString(micros);
    for (int i = frac.length(); i < 6; i++) out.append('0');
    out.append(frac);
    return this;
  }

  /**
   * Writes a value of a type commonly found in tags and data: strings, numbers, booleans, maps
   * with string keys, iterables and arrays of these. Anything else is written as its
   * {@code toString()}.
   */
  public JsonWriter anyValue(Object value) {
    if (value == null) return nullValue();
    if (value instanceof String) return value((String) value);
    if (value instanceof Boolean) return value((boolean) (Boolean) value);
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      return value(((Number) value).longValue());
    }
    if (value instanceof Number) return value(((Number) value).doubleValue());
    if (value instanceof Map) {
      beginObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        name(String.valueOf(e.getKey())).anyValue(e.getValue());
      }
      return endObject();
    }
    if (value instanceof Iterable) {
      beginArray();
      for (Object o : (Iterable<?>) value) anyValue(o);
      return endArray();
    }
    if (value instanceof Object[]) {
      beginArray();
      for (Object o : (Object[]) value) anyValue(o);
      return endArray();
    }
    return value(value.toString());
  }

  /** Appends already-serialized JSON as one value. The caller vouches that it is valid. */
  public JsonWriter rawValue(String json) {
    beforeValue();
    out.append(json);
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /**
   * The JSON written so far as UTF-8, as {@code toString().getBytes(UTF_8)} gives it (a lone
   * surrogate becomes {@code ?}) without the intermediate string: one array of the exact size.
   */
  public byte[] toUtf8() {
    StringBuilder s = out;
    int n = s.length();
    int size = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) size++;
      else if (c < 0x800) size += 2;
      else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        size += 4;
        i++;
      } else if (Character.isSurrogate(c)) size++;
      else size += 3;
    }
    byte[] b = new byte[size];
    int at = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[at++] = (byte) c;
      } else if (c < 0x800) {
        b[at++] = (byte) (0xc0 | c >> 6);
        b[at++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[at++] = (byte) (0xf0 | cp >> 18);
        b[at++] = (byte) (0x80 | (cp >> 12 & 0x3f));
        b[at++] = (byte) (0x80 | (cp >> 6 & 0x3f));
        b[at++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        b[at++] = '?';
      } else {
        b[at++] = (byte) (0xe0 | c >> 12);
        b[at++] = (byte) (0x80 | (c >> 6 & 0x3f));
        b[at++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return b;
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    comma();
  }

  private void comma() {
    if (depth == 0) return;
    long bit = 1L << (depth - 1);
    if ((needsComma & bit) != 0) out.append(',');
    else needsComma |= bit;
  }

  private void push() {
    if (depth == 63) throw new IllegalStateException("JSON nested deeper than 63 levels");
    depth++;
    needsComma &= ~(1L << (depth - 1));
  }

  private void pop() {
    if (depth == 0) throw new IllegalStateException("unbalanced end");
    depth--;
  }

  private void string(String s) {
    out.append('"');
    int n = s.length();
    int i = 0;
    while (i < n && !needsEscape(s.charAt(i))) i++;
    out.append(s, 0, i); // the common case: nothing to escape, one bulk append
    for (; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append("\\u");
            String hex = Integer.toHexString(c);
            for (int j = hex.length(); j < 4; j++) out.append('0');
            out.append(hex);
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
