package dev.spindle.storage.clickhouse;

import dev.spindle.storage.discover.DiscoverSql;
import dev.spindle.storage.discover.Figures;
import java.util.function.Consumer;

/**
 * ClickHouse's aggregate functions, in which every reader writes its {@link Figures}; their
 * values reach the text through {@link Sql#literal(Object)}. ClickHouse gives 0 or nan for
 * aggregates of no values, so those are wrapped to give NULL, as standard SQL does.
 */
final class ClickHouseFunctions implements Figures.Functions {
  /** The figures in ClickHouse's SQL. */
  static final Figures FIGURES = new Figures(new ClickHouseFunctions());

  private ClickHouseFunctions() {}

  /** The SQL text of what {@code writes} writes, with each value as a literal. */
  static String sql(Consumer<DiscoverSql.Writer> writes) {
    return DiscoverSql.of(writes).text(Sql::literal);
  }

  @Override
  public String count() {
    return "count()";
  }

  @Override
  public void countIf(DiscoverSql.Writer sql, Consumer<DiscoverSql.Writer> condition) {
    call(sql.add("countIf("), condition);
  }

  @Override
  public String countDistinct(String expr) {
    return "uniqExact(" + expr + ")";
  }

  @Override
  public void countDistinctIf(DiscoverSql.Writer sql, String expr, Consumer<DiscoverSql.Writer> condition) {
    call(sql.add("uniqExactIf(" + expr + ", "), condition);
  }

  /** Writes the condition as the last argument of a call. */
  private static void call(DiscoverSql.Writer sql, Consumer<DiscoverSql.Writer> condition) {
    condition.accept(sql);
    sql.add(")");
  }

  @Override
  public String aggregate(String function, String expr) {
    return "if(count(" + expr + ") > 0, " + function + "(" + expr + "), NULL)";
  }

  @Override
  public void quantile(DiscoverSql.Writer sql, String expr, double q) {
    sql.add("if(count(" + expr + ") > 0, quantile(").value(q).add(")(" + expr + "), NULL)");
  }
}
