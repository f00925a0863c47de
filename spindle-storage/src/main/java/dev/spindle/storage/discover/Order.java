package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

/** One sort key: a field, descending when written {@code -field}. */
public record Order(Field field, boolean descending) {
  public Order {
    requireNonNull(field, "field");
  }
}
