package dev.spindle.storage.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The shape of compiled Discover SQL, and that values never reach the text. */
class DiscoverSqlTest {
  /** A dialect whose fragments are easy to read in the expected texts. */
  static final DiscoverSql.Dialect DIALECT = new DiscoverSql.Dialect() {
    @Override
    public String column(Column column) {
      return column.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void tag(DiscoverSql.Writer sql, String key) {
      sql.add("tag(").value(key).add(")");
    }

    @Override
    public void from(DiscoverSql.Writer sql, DiscoverQuery q) {
      sql.add(" FROM t WHERE e >= ").value(q.startUs()).add(" AND e < ").value(q.endUs());
    }

    @Override
    public String falseValue() {
      return "F";
    }

    @Override
    public void like(DiscoverSql.Writer sql, String pattern) {
      sql.add("LIKE ").value(pattern);
    }

    @Override
    public void containsIgnoreCase(DiscoverSql.Writer sql, String expr, String text) {
      sql.add("has(" + expr + ", ").value(text).add(")");
    }

    @Override
    public Figures figures() {
      return FIGURES;
    }
  };

  /** Aggregate functions as easy to read: {@code f(args | condition)}. */
  static final Figures FIGURES = new Figures(new Figures.Functions() {
    @Override
    public String count() {
      return "count()";
    }

    @Override
    public void countIf(DiscoverSql.Writer sql, Consumer<DiscoverSql.Writer> condition) {
      filtered(sql, "count(", condition);
    }

    @Override
    public String countDistinct(String expr) {
      return "uniq(" + expr + ")";
    }

    @Override
    public void countDistinctIf(DiscoverSql.Writer sql, String expr, Consumer<DiscoverSql.Writer> condition) {
      filtered(sql, "uniq(" + expr + " ", condition);
    }

    @Override
    public void quantile(DiscoverSql.Writer sql, String expr, double q) {
      sql.add("quantile(" + expr + ", ").value(q).add(")");
    }

    @Override
    public String aggregate(String function, String expr) {
      return function + "(" + expr + ")";
    }

    private void filtered(DiscoverSql.Writer sql, String call, Consumer<DiscoverSql.Writer> condition) {
      condition.accept(sql.add(call + "| "));
      sql.add(")");
    }
  });

  private static String render(DiscoverSql sql) {
    return sql.text(v -> "<" + v + ">");
  }

  @Test
  void plainQuery() {
    DiscoverQuery q = DiscoverQuery.builder(1000, 2000).projectId(7L).dataset(Dataset.SPANS)
        .field("transaction").field("tags[region]").query("transaction:checkout !has:release")
        .limit(10).build();

    DiscoverSql sql = DiscoverSql.compile(q, DIALECT);

    assertEquals("SELECT transaction AS c0, tag(<region>) AS c1 FROM t WHERE e >= <1000> AND e < <2000>"
        + " AND project_id = <7> AND coalesce((transaction = <checkout>), F)"
        + " AND NOT coalesce((coalesce(release, '') <> ''), F)"
        + " ORDER BY timestamp DESC NULLS LAST, span_id LIMIT <10>", render(sql));
    assertEquals(List.of("region", 1000L, 2000L, 7L, "checkout", 10), sql.values());
  }

  @Test
  void aggregatingQueryWithHiddenAggregate() {
    DiscoverQuery q = DiscoverQuery.builder(1000, 2000).dataset(Dataset.SPANS)
        .field("transaction").field("p95()").field("count()")
        .query("count():>5 failure_rate():<0.5").build();

    DiscoverSql sql = DiscoverSql.compile(q, DIALECT);

    String b = "SELECT transaction AS g0, duration AS x1, duration AS d, status AS st, user AS uk"
        + " FROM t WHERE e >= <1000> AND e < <2000>";
    String a = "SELECT g0 AS c0, quantile(x1, <0.95>) AS c1, count() AS c2,"
        + " count(| (st NOT IN ('ok', 'cancelled', 'unknown', 'unknown_error'))) / nullif(count(), 0) AS h0"
        + " FROM (" + b + ") GROUP BY g0";
    assertEquals("SELECT c0, c1, c2 FROM (" + a + ") WHERE coalesce((c2 > <5.0>), F)"
        + " AND coalesce((h0 < <0.5>), F) ORDER BY c1 DESC NULLS LAST, c0 ASC NULLS LAST LIMIT <50>",
        render(sql));
  }

  @Test
  void hostileValuesStayOutOfTheText() {
    String hostile = "x' OR 1=1; DROP TABLE spans; --";
    DiscoverQuery q = DiscoverQuery.builder(1000, 2000)
        .field("transaction").field("count()")
        .query("transaction:\"" + hostile + "\" description:*" + "a'b" + "* \"" + hostile + "\"")
        .build();

    DiscoverSql sql = DiscoverSql.compile(q, DIALECT);

    assertFalse(sql.text().contains("DROP"), sql.text());
    assertFalse(sql.text().contains("a'b"), sql.text());
    assertEquals(sql.values().size(), sql.text().chars().filter(c -> c == '?').count());
    assertEquals(List.of(1000L, 2000L, hostile, "%a'b%", hostile, hostile, 50), sql.values());
  }

  @Test
  void writerTakesOnlyBindableValues() {
    DiscoverSql.Writer w = new DiscoverSql.Writer();
    assertThrows(IllegalArgumentException.class, () -> w.value(true));
    assertThrows(IllegalArgumentException.class, () -> w.value(Double.NaN));
    assertThrows(NullPointerException.class, () -> w.value(null));
  }
}
