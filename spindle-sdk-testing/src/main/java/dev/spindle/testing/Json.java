package dev.spindle.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Typed reads of a parsed JSON object ({@link dev.spindle.protocol.internal.JsonReader}'s maps and lists). */
final class Json {
  private Json() {}

  static String string(Map<String, Object> o, String key) {
    return o.get(key) instanceof String s ? s : null;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> o, String key) {
    return o.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Map<String, Object> o, String key) {
    return o.get(key) instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  /** A Sentry timestamp (seconds since the epoch with microseconds), or null. */
  static Instant timestamp(Map<String, Object> o, String key) {
    if (!(o.get(key) instanceof Number n)) return null;
    return Instant.EPOCH.plus(Math.round(n.doubleValue() * 1_000_000), ChronoUnit.MICROS);
  }

  /** The string values of an object such as {@code tags}. */
  @SuppressWarnings("unchecked")
  static Map<String, String> strings(Map<String, Object> o, String key) {
    Map<String, Object> m = object(o, key);
    return (Map<String, String>) (Map<String, ?>) Map.copyOf(m);
  }
}
