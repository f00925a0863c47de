package dev.spindle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened before an event — a log line, a query, a navigation — kept on the
 * current scope and sent with the transactions and errors of that scope. Immutable: {@link
 * #withData}, {@link #withLevel} and {@link #withType} return a copy. The time is set when it is
 * added ({@link Spindle#addBreadcrumb}).
 */
public final class Breadcrumb {
  private final String category;
  private final String message;
  private final EventLevel level;
  private final String type;
  private final Map<String, Object> data;
  private final long timestampMicros;

  private Breadcrumb(String category, String message, EventLevel level, String type,
      Map<String, Object> data, long timestampMicros) {
    this.category = category;
    this.message = message;
    this.level = level;
    this.type = type;
    this.data = data;
    this.timestampMicros = timestampMicros;
  }

  /** A breadcrumb of {@code category} (such as {@code auth} or {@code db}); either may be null. */
  public static Breadcrumb of(String category, String message) {
    return new Breadcrumb(category, message, null, null, Map.of(), 0);
  }

  /**
   * A copy with one more data entry: strings, numbers, booleans, lists and maps of those. A null
   * key is ignored; a null value removes the entry.
   */
  public Breadcrumb withData(String key, Object value) {
    if (key == null) return this;
    Map<String, Object> copy = new LinkedHashMap<>(data);
    if (value == null) copy.remove(key);
    else copy.put(key, value);
    return new Breadcrumb(category, message, level, type, Collections.unmodifiableMap(copy), timestampMicros);
  }

  /** A copy with {@code level}; null (the default) leaves it to the server ({@code info}). */
  public Breadcrumb withLevel(EventLevel level) {
    return new Breadcrumb(category, message, level, type, data, timestampMicros);
  }

  /**
   * A copy of Sentry's {@code type}, which decides how it is shown: {@code default},
   * {@code debug}, {@code error}, {@code http}, {@code navigation}, {@code query}, ... Null (the
   * default) is {@code default}.
   */
  public Breadcrumb withType(String type) {
    return new Breadcrumb(category, message, level, type, data, timestampMicros);
  }

  public String category() { return category; }
  public String message() { return message; }
  /** Null when not set. */
  public EventLevel level() { return level; }
  /** Null when not set. */
  public String type() { return type; }
  public Map<String, Object> data() { return data; }
  /** Microseconds since the epoch when it was added; 0 before. */
  public long timestampMicros() { return timestampMicros; }

  Breadcrumb at(long micros) {
    return new Breadcrumb(category, message, level, type, data, micros);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Breadcrumb)) return false;
    Breadcrumb b = (Breadcrumb) o;
    return timestampMicros == b.timestampMicros && Objects.equals(category, b.category)
        && Objects.equals(message, b.message) && level == b.level && Objects.equals(type, b.type)
        && data.equals(b.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(category, message, level, type, data, timestampMicros);
  }

  @Override
  public String toString() {
    return "Breadcrumb{" + category + ": " + message + "}";
  }
}
