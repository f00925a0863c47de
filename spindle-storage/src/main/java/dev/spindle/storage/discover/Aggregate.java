package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * An aggregate function over the rows of a group, as Sentry defines it.
 *
 * <ul>
 *   <li>{@code count()}: rows; {@code count_unique(f)}: distinct non-null values of a column or tag.
 *   <li>{@code avg() sum() min() max()}: of {@code duration} (default) — {@code min}/{@code max}
 *       also of {@code timestamp}.
 *   <li>{@code p50() p75() p95() p99() percentile(duration, p)}: continuous quantile of the
 *       duration; {@link #parameter()} is the quantile in [0, 1].
 *   <li>{@code failure_rate()}: the share of rows whose status is neither {@code ok},
 *       {@code cancelled} nor {@code unknown}.
 *   <li>{@code apdex(T)}: (satisfied + tolerating / 2) / count, satisfied ≤ T, tolerating ≤ 4T;
 *       {@link #parameter()} is T in milliseconds (default 300).
 *   <li>{@code user_misery(T)}: (users slower than 4T + 5.8875) / (users + 5.8875 + 111.8625).
 *   <li>{@code tpm()}, {@code tps()}: rows per minute / second of the query's whole period.
 * </ul>
 *
 * @param function  the function
 * @param argument  the column or tag it reads, or {@code null} when the function has none
 * @param parameter the quantile, the Apdex threshold in milliseconds, or 0 when unused
 */
public record Aggregate(Function function, Field argument, double parameter) implements Field {

  /** Sentry's default Apdex / user-misery threshold: 300 ms. */
  public static final double DEFAULT_THRESHOLD_MS = 300;

  /** The aggregate functions, by query name. */
  public enum Function {
    COUNT("count"),
    COUNT_UNIQUE("count_unique"),
    AVG("avg"),
    SUM("sum"),
    MIN("min"),
    MAX("max"),
    P50("p50"),
    P75("p75"),
    P95("p95"),
    P99("p99"),
    PERCENTILE("percentile"),
    FAILURE_RATE("failure_rate"),
    APDEX("apdex"),
    USER_MISERY("user_misery"),
    TPM("tpm"),
    TPS("tps");

    private final String queryName;

    Function(String queryName) {
      this.queryName = queryName;
    }

    public String queryName() {
      return queryName;
    }

    /** Whether the function is a quantile of its argument ({@code p50}..{@code percentile}). */
    public boolean isQuantile() {
      return this == P50 || this == P75 || this == P95 || this == P99 || this == PERCENTILE;
    }

    static Optional<Function> byName(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      for (Function f : values()) if (f.queryName.equals(n)) return Optional.of(f);
      return Optional.empty();
    }

    static String knownNames() {
      StringBuilder b = new StringBuilder();
      for (Function f : values()) {
        if (b.length() > 0) b.append(", ");
        b.append(f.queryName).append("()");
      }
      return b.toString();
    }
  }

  public Aggregate {
    requireNonNull(function, "function");
    if (argument instanceof Aggregate) {
      throw new IllegalArgumentException("argument: " + argument + " (expected: a column or tag)");
    }
  }

  @Override
  public FieldType type() {
    switch (function) {
      case COUNT:
      case COUNT_UNIQUE:
        return FieldType.INTEGER;
      case FAILURE_RATE:
        return FieldType.PERCENTAGE;
      case APDEX:
      case USER_MISERY:
        return FieldType.NUMBER;
      case TPM:
      case TPS:
        return FieldType.RATE;
      default:
        return argument == null ? FieldType.NUMBER : argument.type();
    }
  }
}
