package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

/**
 * One condition on a span row: {@code field = value}, or {@code field != value} when negated.
 * {@link Field#TRANSACTION_CONTAINS} matches a case-insensitive substring of the name.
 * Backends must pass values as bound parameters, never spliced into query text.
 */
public record Filter(Field field, String value, boolean negated) {

  /** The fields a filter can test. */
  public enum Field {
    TRANSACTION, TRANSACTION_CONTAINS, OP, STATUS, ENVIRONMENT, RELEASE, SERVICE, PLATFORM, USER
  }

  public Filter {
    requireNonNull(field, "field");
    requireNonNull(value, "value");
  }

  public static Filter eq(Field field, String value) {
    return new Filter(field, value, false);
  }
}
