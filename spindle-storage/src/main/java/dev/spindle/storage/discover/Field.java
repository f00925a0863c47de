package dev.spindle.storage.discover;

/**
 * Something a Discover query selects, filters, groups or sorts by: a {@link Column}, a
 * {@link Tag} or an {@link Aggregate}. Fields are compared structurally: {@code p95()} and
 * {@code p95(duration)} are the same field.
 */
public sealed interface Field permits Column, Tag, Aggregate {
  /** The type of the field's values. */
  FieldType type();

  /** Whether this is an aggregate function (a {@code HAVING} condition when filtered on). */
  default boolean isAggregate() {
    return this instanceof Aggregate;
  }
}
