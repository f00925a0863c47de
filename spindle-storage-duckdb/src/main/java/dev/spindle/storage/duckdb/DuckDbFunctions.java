package dev.spindle.storage.duckdb;

import dev.spindle.storage.discover.DiscoverSql;
import dev.spindle.storage.discover.Figures;
import java.util.function.Consumer;

/** DuckDB's aggregate functions, in which every reader writes its {@link Figures}. */
final class DuckDbFunctions implements Figures.Functions {
  /** The figures in DuckDB's SQL. */
  static final Figures FIGURES = new Figures(new DuckDbFunctions());

  private DuckDbFunctions() {}

  @Override
  public String count() {
    return "count(*)";
  }

  @Override
  public void countIf(DiscoverSql.Writer sql, Consumer<DiscoverSql.Writer> condition) {
    filter(sql.add("count(*)"), condition);
  }

  @Override
  public String countDistinct(String expr) {
    return "count(DISTINCT " + expr + ")";
  }

  @Override
  public void countDistinctIf(DiscoverSql.Writer sql, String expr, Consumer<DiscoverSql.Writer> condition) {
    filter(sql.add(countDistinct(expr)), condition);
  }

  private static void filter(DiscoverSql.Writer sql, Consumer<DiscoverSql.Writer> condition) {
    sql.add(" FILTER (WHERE ");
    condition.accept(sql);
    sql.add(")");
  }

  @Override
  public String aggregate(String function, String expr) {
    return function + "(" + expr + ")";
  }

  @Override
  public void quantile(DiscoverSql.Writer sql, String expr, double q) {
    sql.add("quantile_cont(" + expr + ", ").value(q).add(")");
  }
}
