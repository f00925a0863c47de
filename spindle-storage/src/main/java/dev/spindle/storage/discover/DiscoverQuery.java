package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed, validated Discover query. Build one with {@link #builder(long, long)}; every text
 * input is parsed there and every mistake is a {@link DiscoverQueryException} naming it.
 *
 * <p>When {@link #fields()} holds an aggregate, the plain fields (columns and tags) are the
 * group-by and one row comes back per group; otherwise one row per span. Rows are those whose
 * end lies in [{@code startUs}, {@code endUs}).
 */
public final class DiscoverQuery {
  /** The default number of rows: 50. */
  public static final int DEFAULT_LIMIT = 50;
  /** The largest accepted limit: 1000. */
  public static final int MAX_LIMIT = 1000;
  /** The most fields one query selects: 20. */
  public static final int MAX_FIELDS = 20;

  private final Long projectId;
  private final long startUs;
  private final long endUs;
  private final Dataset dataset;
  private final List<Field> fields;
  private final List<String> labels;
  private final List<Condition> conditions;
  private final List<Order> orderBy;
  private final int limit;

  private DiscoverQuery(Builder b, List<Order> orderBy) {
    this.projectId = b.projectId;
    this.startUs = b.startUs;
    this.endUs = b.endUs;
    this.dataset = b.dataset;
    this.fields = List.copyOf(b.fields);
    this.labels = List.copyOf(b.labels);
    this.conditions = List.copyOf(b.conditions);
    this.orderBy = List.copyOf(orderBy);
    this.limit = b.limit;
  }

  /** A builder for rows ending in [{@code startUs}, {@code endUs}) microseconds. */
  public static Builder builder(long startUs, long endUs) {
    return new Builder(startUs, endUs);
  }

  /** One project, or {@code null} for all. */
  public Long projectId() {
    return projectId;
  }

  public long startUs() {
    return startUs;
  }

  public long endUs() {
    return endUs;
  }

  public Dataset dataset() {
    return dataset;
  }

  /** The selected fields, in order; never empty. */
  public List<Field> fields() {
    return fields;
  }

  /** Each field as the caller wrote it (trimmed): the keys of the response. */
  public List<String> labels() {
    return labels;
  }

  /** Every condition (row and group ones); all must hold. */
  public List<Condition> conditions() {
    return conditions;
  }

  /**
   * The sort keys, never empty. Aggregating queries only sort by selected fields; otherwise the
   * default {@code -timestamp} may name an unselected column.
   */
  public List<Order> orderBy() {
    return orderBy;
  }

  public int limit() {
    return limit;
  }

  /** Whether a field is an aggregate (then plain fields are the group-by). */
  public boolean isAggregating() {
    return fields.stream().anyMatch(Field::isAggregate);
  }

  @Override
  public String toString() {
    return "DiscoverQuery{project=" + projectId + ", range=[" + startUs + ", " + endUs + "), dataset="
        + dataset + ", fields=" + labels + ", conditions=" + conditions + ", orderBy=" + orderBy
        + ", limit=" + limit + "}";
  }

  /**
   * Builds {@link DiscoverQuery}s. Defaults: all projects, {@link Dataset#TRANSACTIONS}, no
   * conditions, limit {@value #DEFAULT_LIMIT}, sorted by the first aggregate descending when
   * aggregating, else by {@code -timestamp}.
   */
  public static final class Builder {
    private final long startUs;
    private final long endUs;
    private Long projectId;
    private Dataset dataset = Dataset.TRANSACTIONS;
    private final List<Field> fields = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Condition> conditions = new ArrayList<>();
    private final List<String> sorts = new ArrayList<>();
    private int limit = DEFAULT_LIMIT;

    private Builder(long startUs, long endUs) {
      if (endUs <= startUs) {
        throw new DiscoverQueryException("the period is empty: end " + endUs + " is not after start " + startUs);
      }
      this.startUs = startUs;
      this.endUs = endUs;
    }

    public Builder projectId(Long v) {
      projectId = v;
      return this;
    }

    public Builder dataset(Dataset v) {
      dataset = requireNonNull(v, "dataset");
      return this;
    }

    /** Adds a selected field, e.g. {@code transaction}, {@code tags[region]}, {@code p95()}. */
    public Builder field(String text) {
      requireNonNull(text, "text");
      Field f = FieldParser.parse(text, -1);
      int dup = fields.indexOf(f);
      if (dup >= 0) {
        throw new DiscoverQueryException("field '" + text.strip() + "' is selected twice (as '" + labels.get(dup) + "')");
      }
      if (fields.size() == MAX_FIELDS) {
        throw new DiscoverQueryException("too many fields (at most " + MAX_FIELDS + ")");
      }
      fields.add(f);
      labels.add(text.strip());
      return this;
    }

    public Builder fields(List<String> texts) {
      for (String t : texts) field(t);
      return this;
    }

    /** Adds the conditions of a query string (see the query grammar); {@code null} adds none. */
    public Builder query(String query) {
      conditions.addAll(QueryParser.parse(query));
      return this;
    }

    /** Adds one condition built by the caller (the server's {@code trace.verdict} filter). */
    public Builder condition(Condition c) {
      conditions.add(requireNonNull(c, "c"));
      return this;
    }

    /** Adds a sort key: a selected field, {@code -field} for descending. */
    public Builder sort(String sort) {
      requireNonNull(sort, "sort");
      if (!sort.isBlank()) sorts.add(sort.strip());
      return this;
    }

    public Builder limit(int v) {
      if (v < 1 || v > MAX_LIMIT) {
        throw new DiscoverQueryException("limit: " + v + " (expected: 1 to " + MAX_LIMIT + ")");
      }
      limit = v;
      return this;
    }

    /** Validates and builds. */
    public DiscoverQuery build() {
      if (fields.isEmpty()) {
        throw new DiscoverQueryException("at least one field is required (e.g. field=transaction&field=count())");
      }
      boolean aggregating = fields.stream().anyMatch(Field::isAggregate);
      if (!aggregating) {
        for (Condition c : conditions) {
          if (c.isAggregate()) {
            throw new DiscoverQueryException("conditions on functions (such as count():>10) need an"
                + " aggregate among the fields (e.g. field=count())");
          }
        }
      }
      List<Order> orders = new ArrayList<>();
      for (String s : sorts) {
        boolean desc = s.startsWith("-");
        String name = desc ? s.substring(1) : s;
        Field f;
        try {
          f = FieldParser.parse(name, -1);
        } catch (DiscoverQueryException e) {
          throw new DiscoverQueryException("sort field '" + s + "': " + e.getMessage());
        }
        if (!fields.contains(f)) {
          throw new DiscoverQueryException("sort field '" + s + "' is not selected (selected: "
              + String.join(", ", labels) + ")");
        }
        orders.add(new Order(f, desc));
      }
      if (orders.isEmpty()) {
        Field first = fields.stream().filter(Field::isAggregate).findFirst().orElse(Column.TIMESTAMP);
        orders.add(new Order(first, true));
      }
      return new DiscoverQuery(this, orders);
    }
  }
}
