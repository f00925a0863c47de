package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link DiscoverQuery} compiled to SQL for one {@link Dialect}: the text, with a placeholder
 * where each value goes, and the values in text order. The compiler writes only fixed fragments
 * (column and function names from closed enums, aliases {@code c0, c1...}) and what the dialect
 * and its {@link Figures} write; every value from the query — filter values, tag keys,
 * quantiles, thresholds, the limit — stays apart from the text, so a backend binds it as a
 * parameter ({@link #text()}, {@link #values()}) or, without query parameters, writes it through
 * its own literal escaping ({@link #text(Function)}). {@link #of} builds other SQL the same way
 * (the {@link Figures} of the transaction summary).
 *
 * <p>A plain query is one level. An aggregating query has three: {@code b} projects the group
 * keys ({@code g<i>}), the aggregate arguments ({@code x<i>}, {@code y<i>} for aggregates only
 * filtered on) and the columns {@code d} (duration in ms), {@code st} (status) and {@code uk}
 * (user) of the matching rows; the middle level aggregates them per group ({@code c<i>}, hidden
 * {@code h<i>}); the outer level filters groups ({@code HAVING} conditions on the aliases), sorts
 * and limits.
 */
public final class DiscoverSql {
  /** What differs between SQL dialects and storage layouts. */
  public interface Dialect {
    /**
     * The row-level expression of a column. Ids are lowercase hex text, durations milliseconds,
     * timestamps microseconds since the epoch.
     */
    String column(Column column);

    /** Writes the row-level expression of a tag's value, NULL when the row lacks the tag. */
    void tag(Writer sql, String key);

    /**
     * Writes {@code FROM} the spans table and {@code WHERE} with the predicates of the query's
     * period ({@code startUs <= end < endUs}) and dataset. The compiler appends further
     * predicates with {@code AND}.
     */
    void from(Writer sql, DiscoverQuery q);

    /** The SQL false a condition on a missing value (NULL) falls back to. */
    String falseValue();

    /**
     * Writes {@code LIKE pattern} after the target, for a pattern whose {@code %}, {@code _} and
     * {@code \} are escaped with a backslash.
     */
    void like(Writer sql, String pattern);

    /** Writes a predicate: {@code text} is a case-insensitive substring of {@code expr}. */
    void containsIgnoreCase(Writer sql, String expr, String text);

    /** The figures in this dialect's aggregate functions: every aggregate is written by them. */
    Figures figures();
  }

  /** Writes SQL text and values, in text order. */
  public static final class Writer {
    private final List<String> fragments = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    private StringBuilder text = new StringBuilder(256);

    Writer() {}

    /** Appends SQL text written by the program, never a value. */
    public Writer add(String sql) {
      text.append(sql);
      return this;
    }

    /** Appends a value: a {@code String}, {@code Long}, {@code Integer} or finite {@code Double}. */
    public Writer value(Object value) {
      requireNonNull(value, "value");
      if (!(value instanceof String || value instanceof Long || value instanceof Integer
          || value instanceof Double)) {
        throw new IllegalArgumentException("value: " + value.getClass().getName()
            + " (expected: String, Long, Integer or Double)");
      }
      if (value instanceof Double d && !Double.isFinite(d)) {
        throw new IllegalArgumentException("value: " + d + " (expected: finite)");
      }
      fragments.add(text.toString());
      text = new StringBuilder(64);
      values.add(value);
      return this;
    }

    Writer add(Writer other) {
      for (int i = 0; i < other.values.size(); i++) add(other.fragments.get(i)).value(other.values.get(i));
      return add(other.text.toString());
    }

    DiscoverSql build() {
      List<String> all = new ArrayList<>(fragments);
      all.add(text.toString());
      return new DiscoverSql(all, values);
    }
  }

  private final List<String> fragments; // values.size() + 1, a value between each two
  private final List<Object> values;

  private DiscoverSql(List<String> fragments, List<Object> values) {
    this.fragments = Collections.unmodifiableList(fragments);
    this.values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** The SQL that {@code writes} writes, e.g. with {@link Figures}. */
  public static DiscoverSql of(Consumer<Writer> writes) {
    Writer sql = new Writer();
    writes.accept(sql);
    return sql.build();
  }

  /** Compiles the query for the dialect. */
  public static DiscoverSql compile(DiscoverQuery q, Dialect dialect) {
    requireNonNull(q, "q");
    requireNonNull(dialect, "dialect");
    return new Compiler(q, dialect).compile().build();
  }

  /** The SQL text with a {@code ?} where each value goes, for JDBC. */
  public String text() {
    return text(v -> "?");
  }

  /** The values, in text order. */
  public List<Object> values() {
    return values;
  }

  /** The SQL text with each value written by {@code literal}, for a client without parameters. */
  public String text(Function<Object, String> literal) {
    requireNonNull(literal, "literal");
    StringBuilder b = new StringBuilder(512);
    for (int i = 0; i < values.size(); i++) {
      b.append(fragments.get(i)).append(literal.apply(values.get(i)));
    }
    return b.append(fragments.get(values.size())).toString();
  }

  @Override
  public String toString() {
    return text() + " " + values;
  }

  /** One compilation. */
  private static final class Compiler {
    private final DiscoverQuery q;
    private final Dialect dialect;
    private final List<Field> fields;

    Compiler(DiscoverQuery q, Dialect dialect) {
      this.q = q;
      this.dialect = dialect;
      this.fields = q.fields();
    }

    Writer compile() {
      return q.isAggregating() ? aggregating() : plain();
    }

    // ---------------------------------------------------------------- plain queries

    private Writer plain() {
      Writer sql = new Writer().add("SELECT ");
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) sql.add(", ");
        expr(sql, fields.get(i));
        sql.add(" AS c" + i);
      }
      where(sql);
      sql.add(" ORDER BY ");
      List<Order> orders = q.orderBy();
      for (int i = 0; i < orders.size(); i++) {
        Order o = orders.get(i);
        if (i > 0) sql.add(", ");
        int idx = fields.indexOf(o.field());
        if (idx >= 0) sql.add("c" + idx);
        else expr(sql, o.field());
        sql.add(direction(o));
      }
      return sql.add(", span_id LIMIT ").value(q.limit());
    }

    private static String direction(Order o) {
      return o.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST";
    }

    /** The row-level expression of a column or tag. */
    private void expr(Writer sql, Field f) {
      if (f instanceof Tag t) dialect.tag(sql, t.key());
      else sql.add(dialect.column((Column) f));
    }

    /** {@code FROM ... WHERE} with the period, dataset, project and every row condition. */
    private void where(Writer sql) {
      dialect.from(sql, q);
      if (q.projectId() != null) sql.add(" AND project_id = ").value(q.projectId());
      for (Condition c : q.conditions()) {
        if (c.isAggregate()) continue;
        sql.add(" AND ");
        condition(sql, c, null);
      }
    }

    /**
     * A condition. {@code alias} is the column holding an aggregate's value (group conditions),
     * or {@code null} for row conditions on columns and tags. A missing value (NULL) makes the
     * plain condition false and the negated one true.
     */
    private void condition(Writer sql, Condition c, String alias) {
      sql.add(c.negated() ? "NOT coalesce((" : "coalesce((");
      if (c instanceof Condition.Compare cmp) {
        target(sql, cmp.field(), alias);
        sql.add(" " + cmp.op().sql() + " ").value(cmp.value());
      } else if (c instanceof Condition.Match m) {
        target(sql, m.field(), alias);
        sql.add(" ");
        dialect.like(sql, m.likePattern());
      } else if (c instanceof Condition.In in) {
        target(sql, in.field(), alias);
        sql.add(" IN (");
        for (int i = 0; i < in.values().size(); i++) {
          if (i > 0) sql.add(", ");
          sql.value(in.values().get(i));
        }
        sql.add(")");
      } else if (c instanceof Condition.Has h) {
        if (h.field().type() == FieldType.STRING) {
          sql.add("coalesce(");
          target(sql, h.field(), alias);
          sql.add(", '') <> ''");
        } else {
          target(sql, h.field(), alias);
          sql.add(" IS NOT NULL");
        }
      } else if (c instanceof Condition.Text t) {
        dialect.containsIgnoreCase(sql, "coalesce(" + dialect.column(Column.TRANSACTION) + ", '')", t.text());
        sql.add(" OR ");
        dialect.containsIgnoreCase(sql, "coalesce(" + dialect.column(Column.DESCRIPTION) + ", '')", t.text());
      } else {
        throw new AssertionError(c);
      }
      sql.add("), " + dialect.falseValue() + ")");
    }

    private void target(Writer sql, Field f, String alias) {
      if (alias != null) sql.add(alias);
      else expr(sql, f);
    }

    // ---------------------------------------------------------------- aggregating queries

    private Writer aggregating() {
      // Aggregates filtered on but not selected are computed as hidden columns h0, h1...
      List<Aggregate> hidden = new ArrayList<>();
      for (Condition c : q.conditions()) {
        if (!c.isAggregate()) continue;
        Aggregate a = (Aggregate) ((Condition.Compare) c).field();
        if (!fields.contains(a) && !hidden.contains(a)) hidden.add(a);
      }

      // b: one row per matching span, group keys g<i> and aggregate arguments x<i>, y<i>.
      Writer b = new Writer().add("SELECT ");
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        Field f = fields.get(i);
        if (f.isAggregate()) {
          Field arg = ((Aggregate) f).argument();
          if (arg == null) continue;
          expr(b, arg);
          b.add(" AS x" + i + ", ");
        } else {
          expr(b, f);
          b.add(" AS g" + i + ", ");
          groups.add("g" + i);
        }
      }
      for (int i = 0; i < hidden.size(); i++) {
        Field arg = hidden.get(i).argument();
        if (arg == null) continue;
        expr(b, arg);
        b.add(" AS y" + i + ", ");
      }
      b.add(dialect.column(Column.DURATION) + " AS d, " + dialect.column(Column.STATUS) + " AS st, "
          + dialect.column(Column.USER) + " AS uk");
      where(b);

      // a: the groups.
      Writer a = new Writer().add("SELECT ");
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) a.add(", ");
        Field f = fields.get(i);
        if (f.isAggregate()) aggregate(a, (Aggregate) f, "x" + i);
        else a.add("g" + i);
        a.add(" AS c" + i);
      }
      for (int i = 0; i < hidden.size(); i++) {
        a.add(", ");
        aggregate(a, hidden.get(i), "y" + i);
        a.add(" AS h" + i);
      }
      a.add(" FROM (").add(b).add(")");
      if (!groups.isEmpty()) a.add(" GROUP BY " + String.join(", ", groups));

      Writer sql = new Writer().add("SELECT ");
      for (int i = 0; i < fields.size(); i++) sql.add((i > 0 ? ", " : "") + "c" + i);
      sql.add(" FROM (").add(a).add(")");
      String glue = " WHERE ";
      for (Condition c : q.conditions()) {
        if (!c.isAggregate()) continue;
        Aggregate agg = (Aggregate) ((Condition.Compare) c).field();
        int idx = fields.indexOf(agg);
        sql.add(glue);
        glue = " AND ";
        condition(sql, c, idx >= 0 ? "c" + idx : "h" + hidden.indexOf(agg));
      }
      sql.add(" ORDER BY ");
      List<Order> orders = q.orderBy();
      for (int i = 0; i < orders.size(); i++) {
        Order o = orders.get(i);
        sql.add((i > 0 ? ", " : "") + "c" + fields.indexOf(o.field()) + direction(o));
      }
      for (int i = 0; i < fields.size(); i++) {
        if (!fields.get(i).isAggregate()) sql.add(", c" + i + " ASC NULLS LAST");
      }
      return sql.add(" LIMIT ").value(q.limit());
    }

    /**
     * An aggregate over level {@code b}: {@code arg} is the column holding its argument; {@code d},
     * {@code st} and {@code uk} hold the duration in milliseconds, the status and the user.
     */
    private void aggregate(Writer sql, Aggregate agg, String arg) {
      Figures figures = dialect.figures();
      Figures.Functions fn = figures.functions();
      double p = agg.parameter();
      switch (agg.function()) {
        case COUNT: sql.add(fn.count()); break;
        case COUNT_UNIQUE: sql.add(fn.countDistinct(arg)); break;
        case AVG: sql.add(fn.aggregate("avg", arg)); break;
        case SUM: sql.add(fn.aggregate("sum", arg)); break;
        case MIN: sql.add(fn.aggregate("min", arg)); break;
        case MAX: sql.add(fn.aggregate("max", arg)); break;
        case P50:
        case P75:
        case P95:
        case P99:
        case PERCENTILE:
          figures.percentile(sql, arg, p);
          break;
        case FAILURE_RATE: figures.failureRate(sql, "st"); break;
        case APDEX: figures.apdex(sql, "d", p); break;
        case USER_MISERY: figures.userMisery(sql, "d", "uk", p); break;
        case TPM: figures.perMinute(sql, q.endUs() - q.startUs()); break;
        case TPS: figures.perSecond(sql, q.endUs() - q.startUs()); break;
        default: throw new AssertionError(agg);
      }
    }
  }
}
