package dev.spindle.storage.discover;

/**
 * The type of a Discover field, reported in the response's {@code meta.fields}. It also fixes the
 * Java type of the field's values in a {@link DiscoverResult}: {@link #STRING} → {@code String},
 * {@link #INTEGER} → {@code Long}, {@link #DATE} → {@code Long} microseconds since the epoch,
 * every other type → {@code Double}. Any value may be {@code null}.
 */
public enum FieldType {
  /** Text. */
  STRING("string"),
  /** A whole number (counts, project ids). */
  INTEGER("integer"),
  /** A plain number (Apdex, user misery). */
  NUMBER("number"),
  /** A duration in milliseconds. */
  DURATION("duration"),
  /** A point in time. */
  DATE("date"),
  /** A share in [0, 1] (failure rate). */
  PERCENTAGE("percentage"),
  /** Events per minute or per second. */
  RATE("rate");

  private final String jsonName;

  FieldType(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in JSON responses, e.g. {@code duration}. */
  public String jsonName() {
    return jsonName;
  }

  /** Whether values can be compared with {@code < <= > >=}. */
  public boolean isNumeric() {
    return this != STRING;
  }
}
