package dev.spindle.storage.discover;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The plain columns a Discover query can use, with their query names. */
public enum Column implements Field {
  TRANSACTION("transaction", FieldType.STRING),
  OP("op", FieldType.STRING),
  /** The op of the span's transaction (its segment root); on a transaction, its {@link #OP}. */
  TRANSACTION_OP("transaction.op", FieldType.STRING),
  DESCRIPTION("description", FieldType.STRING),
  STATUS("status", FieldType.STRING),
  RELEASE("release", FieldType.STRING),
  ENVIRONMENT("environment", FieldType.STRING),
  /** The stored user key ({@code id:42}, {@code email:...}, {@code ip:...}). */
  USER("user", FieldType.STRING),
  /** The trace id. */
  TRACE("trace", FieldType.STRING),
  SPAN_ID("span_id", FieldType.STRING),
  PARENT_SPAN_ID("parent_span_id", FieldType.STRING),
  /** The span's duration in milliseconds. */
  DURATION("duration", FieldType.DURATION),
  /** When the span ended. */
  TIMESTAMP("timestamp", FieldType.DATE),
  /** The project id. */
  PROJECT("project", FieldType.INTEGER),
  SERVICE("service", FieldType.STRING),
  PLATFORM("platform", FieldType.STRING);

  private static final Map<String, Column> BY_NAME = new LinkedHashMap<>();

  static {
    for (Column c : values()) BY_NAME.put(c.queryName, c);
    BY_NAME.put("transaction.status", STATUS);
    BY_NAME.put("transaction.duration", DURATION);
    BY_NAME.put("span.op", OP);
    BY_NAME.put("span.description", DESCRIPTION);
    BY_NAME.put("span.status", STATUS);
    BY_NAME.put("span.duration", DURATION);
    BY_NAME.put("trace.span", SPAN_ID);
    BY_NAME.put("project.id", PROJECT);
  }

  private final String queryName;
  private final FieldType type;

  Column(String queryName, FieldType type) {
    this.queryName = queryName;
    this.type = type;
  }

  /** The name used in queries, e.g. {@code span_id}. */
  public String queryName() {
    return queryName;
  }

  @Override
  public FieldType type() {
    return type;
  }

  /** The column named {@code name} (case-insensitive; aliases such as {@code span.op} too). */
  public static Optional<Column> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Every accepted name, aliases included, for error messages. */
  static String knownNames() {
    return String.join(", ", BY_NAME.keySet());
  }
}
