package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An ad-hoc query over span rows: plain fields (grouped by when aggregates are present) and
 * aggregates, conditions, sort and limit. Field names are backend-neutral (see {@link #FIELDS});
 * tags are {@code tags[key]}. Backends bind every value as a parameter.
 *
 * @param dataset   {@link Dataset#TRANSACTIONS} (segment rows) or {@link Dataset#SPANS} (all rows)
 * @param projectId one project, or {@code null} for all
 * @param startUs   inclusive lower bound on the row's end, microseconds
 * @param endUs     exclusive upper bound on the row's end, microseconds
 * @param columns   what to return, in order; at least one
 * @param where     all must hold
 * @param orderBy   sort keys, each naming a column by index in {@code columns}
 * @param limit     maximum rows, {@code 1..10000}
 */
public record DiscoverQuery(Dataset dataset, Long projectId, long startUs, long endUs,
    List<Column> columns, List<Condition> where, List<Sort> orderBy, int limit) {

  /** Plain fields every backend supports. Numeric: {@code duration} (ms), {@code timestamp} (s), {@code project}. */
  public static final Set<String> FIELDS = Set.of("transaction", "transaction.source", "op",
      "description", "status", "environment", "release", "service", "platform", "user", "trace",
      "span_id", "parent_span_id", "project", "duration", "timestamp");

  /** Fields that take numeric comparisons and numeric aggregates. */
  public static final Set<String> NUMERIC_FIELDS = Set.of("duration", "timestamp", "project");

  private static final Pattern TAG = Pattern.compile("tags\\[[^\\]\\u0000]{1,200}\\]");

  /** True for a known field or {@code tags[key]}. */
  public static boolean isField(String name) {
    return name != null && (FIELDS.contains(name) || TAG.matcher(name).matches());
  }

  /** The key of a {@code tags[key]} field, or null. */
  public static String tagKey(String name) {
    return name != null && TAG.matcher(name).matches() ? name.substring(5, name.length() - 1) : null;
  }

  /** Which rows to query. */
  public enum Dataset { TRANSACTIONS, SPANS }

  /** Aggregate functions. {@code param} is the percentile for none, the Apdex T (ms) for APDEX. */
  public enum Function { COUNT, COUNT_UNIQUE, AVG, SUM, MIN, MAX, P50, P75, P90, P95, P99, FAILURE_RATE, APDEX }

  /**
   * A column: a plain field ({@code function} null) or an aggregate over {@code field}
   * ({@code null} for {@code count()} and {@code failure_rate()}).
   *
   * @param label the column's name in results, e.g. {@code p95(duration)}
   */
  public record Column(String label, String field, Function function, Double param) {
    public Column {
      requireNonNull(label, "label");
      if (function == null && !isField(field)) throw new IllegalArgumentException("field: " + field + " (unknown)");
      if (field != null && !isField(field)) throw new IllegalArgumentException("field: " + field + " (unknown)");
    }

    public static Column field(String name) {
      return new Column(name, name, null, null);
    }

    public boolean isAggregate() {
      return function != null;
    }
  }

  /** Comparison operators; HAS / NOT_HAS test presence and ignore {@code value}. */
  public enum Op { EQ, NEQ, GT, GTE, LT, LTE, HAS, NOT_HAS }

  /** A condition on a field. Numeric operators need a {@link #NUMERIC_FIELDS numeric field}. */
  public record Condition(String field, Op op, String value) {
    public Condition {
      if (!isField(field)) throw new IllegalArgumentException("field: " + field + " (unknown)");
      requireNonNull(op, "op");
      boolean ordering = op == Op.GT || op == Op.GTE || op == Op.LT || op == Op.LTE;
      if (ordering && !NUMERIC_FIELDS.contains(field)) {
        throw new IllegalArgumentException("field: " + field + " (not numeric: only = and != apply)");
      }
      if (op != Op.HAS && op != Op.NOT_HAS) requireNonNull(value, "value");
      if (NUMERIC_FIELDS.contains(field) && value != null && op != Op.HAS && op != Op.NOT_HAS) {
        try {
          Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("value: " + value + " (expected: a number for " + field + ")");
        }
      }
    }
  }

  /** Sort by the column at {@code columnIndex}. */
  public record Sort(int columnIndex, boolean descending) {}

  public DiscoverQuery {
    requireNonNull(dataset, "dataset");
    columns = List.copyOf(columns);
    where = where == null ? List.of() : List.copyOf(where);
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
    if (columns.isEmpty()) throw new IllegalArgumentException("columns: empty (expected: at least one)");
    if (endUs <= startUs) throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    if (limit < 1 || limit > 10_000) throw new IllegalArgumentException("limit: " + limit + " (expected: 1..10000)");
    for (Sort s : orderBy) {
      if (s.columnIndex() < 0 || s.columnIndex() >= columns.size()) {
        throw new IllegalArgumentException("orderBy: column " + s.columnIndex() + " (expected: 0.." + (columns.size() - 1) + ")");
      }
    }
    for (Column c : columns) {
      if (c.isAggregate() && c.field() != null && needsNumber(c.function()) && !NUMERIC_FIELDS.contains(c.field())) {
        throw new IllegalArgumentException(c.label() + ": " + c.field() + " is not numeric");
      }
    }
  }

  private static boolean needsNumber(Function f) {
    return f != Function.COUNT && f != Function.COUNT_UNIQUE && f != Function.FAILURE_RATE && f != Function.APDEX;
  }

  public boolean hasAggregates() {
    return columns.stream().anyMatch(Column::isAggregate);
  }
}
