package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

/**
 * A span tag, written {@code tags[key]} in queries. Its values are strings; a span without the
 * tag has {@code null}. Backends must bind {@code key} as a parameter, never splice it into SQL.
 */
public record Tag(String key) implements Field {
  public Tag {
    requireNonNull(key, "key");
    if (key.isEmpty()) throw new IllegalArgumentException("key: empty (expected: a tag key)");
  }

  @Override
  public FieldType type() {
    return FieldType.STRING;
  }
}
