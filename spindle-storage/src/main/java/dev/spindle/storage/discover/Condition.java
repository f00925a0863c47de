package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One term of a Discover query; all terms of a query must hold. A condition on an
 * {@linkplain Field#isAggregate() aggregate} filters groups ({@code HAVING}), every other one
 * filters rows. A negated condition holds exactly when the plain one does not hold (a row with
 * no value — a missing tag — satisfies every negated condition).
 *
 * <p>Values are typed by the field: {@code String} for {@link FieldType#STRING}, {@code Long}
 * for {@link FieldType#INTEGER} and {@link FieldType#DATE} (microseconds since the epoch),
 * {@code Double} otherwise (durations in milliseconds). Backends bind them as parameters.
 */
public sealed interface Condition {
  /** Whether the condition is negated ({@code !key:value}). */
  boolean negated();

  /** Whether it filters groups rather than rows. */
  boolean isAggregate();

  /** Comparison operators. */
  enum Operator {
    EQ("="), GT(">"), GE(">="), LT("<"), LE("<=");

    private final String sql;

    Operator(String sql) {
      this.sql = sql;
    }

    /** The SQL operator, e.g. {@code >=}. */
    public String sql() {
      return sql;
    }
  }

  /** {@code field op value}: {@code key:value}, {@code duration:>200ms}, {@code count():>10}. */
  record Compare(Field field, Operator op, Object value, boolean negated) implements Condition {
    public Compare {
      requireNonNull(field, "field");
      requireNonNull(op, "op");
      requireNonNull(value, "value");
    }

    @Override
    public boolean isAggregate() {
      return field.isAggregate();
    }
  }

  /**
   * A wildcard match on a string field ({@code key:*foo*}). {@code likePattern} is ready for SQL
   * {@code LIKE ... ESCAPE '\'}: {@code *} became {@code %}, and literal {@code %}, {@code _}
   * and {@code \} are escaped with {@code \}. Case-sensitive.
   */
  record Match(Field field, String likePattern, boolean negated) implements Condition {
    public Match {
      requireNonNull(field, "field");
      requireNonNull(likePattern, "likePattern");
    }

    @Override
    public boolean isAggregate() {
      return false;
    }
  }

  /** {@code key:[a, b, c]}: the value is one of the list. */
  record In(Field field, List<Object> values, boolean negated) implements Condition {
    public In {
      requireNonNull(field, "field");
      values = List.copyOf(values);
      if (values.isEmpty()) throw new IllegalArgumentException("values: empty (expected: at least one)");
    }

    @Override
    public boolean isAggregate() {
      return false;
    }
  }

  /** {@code has:key}: the field has a value (a non-empty one for strings). */
  record Has(Field field, boolean negated) implements Condition {
    public Has {
      requireNonNull(field, "field");
    }

    @Override
    public boolean isAggregate() {
      return false;
    }
  }

  /**
   * Free text: a case-insensitive substring of the transaction name or of the description.
   */
  record Text(String text, boolean negated) implements Condition {
    public Text {
      requireNonNull(text, "text");
    }

    @Override
    public boolean isAggregate() {
      return false;
    }
  }
}
