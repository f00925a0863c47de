package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.discover.Aggregate;
import dev.spindle.storage.discover.Column;
import dev.spindle.storage.discover.Condition;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import dev.spindle.storage.discover.DiscoverResult;
import dev.spindle.storage.discover.DiscoverStore;
import dev.spindle.storage.discover.Field;
import dev.spindle.storage.discover.FieldType;
import dev.spindle.storage.discover.Order;
import dev.spindle.storage.discover.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Discover on DuckDB. The SQL text is assembled only from the fixed fragments of this class
 * (column and function names from closed enums, aliases {@code c0, c1...}); every value from the
 * query — filter values, tag keys, quantiles, thresholds — is a bound parameter.
 *
 * <p>An aggregating query has three levels: {@code b} projects the group keys and aggregate
 * arguments of the matching rows, {@code a} aggregates them per group, and the outer level
 * filters groups ({@code HAVING} conditions on the aliases), sorts and limits. A plain query is
 * one level.
 */
final class DuckDbDiscover implements DiscoverStore {
  private static final String DURATION_MS = "((end_us - start_us) / 1000.0)";

  private final DuckDbQueries.ConnectionSource connections;

  DuckDbDiscover(DuckDbQueries.ConnectionSource connections) {
    this.connections = connections;
  }

  /** SQL text and its parameters, in text order. */
  private static final class Sql {
    final StringBuilder text = new StringBuilder();
    final List<Object> params = new ArrayList<>();

    Sql add(String s) {
      text.append(s);
      return this;
    }

    Sql param(Object p) {
      text.append('?');
      params.add(p);
      return this;
    }

    Sql add(Sql other) {
      text.append(other.text);
      params.addAll(other.params);
      return this;
    }
  }

  @Override
  public DiscoverResult discover(DiscoverQuery q) {
    requireNonNull(q, "q");
    Sql sql = q.isAggregating() ? aggregating(q) : plain(q);
    List<Field> fields = q.fields();
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.text.toString())) {
      DuckDbQueries.bind(ps, sql.params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Object> row = new ArrayList<>(fields.size());
          for (int i = 0; i < fields.size(); i++) row.add(value(rs, i + 1, fields.get(i).type()));
          rows.add(row);
        }
      }
    } catch (SQLException e) {
      throw new StorageException("discover query failed: " + e.getMessage(), e);
    }
    return new DiscoverResult(rows);
  }

  private static Object value(ResultSet rs, int i, FieldType type) throws SQLException {
    switch (type) {
      case STRING: {
        return rs.getString(i);
      }
      case INTEGER:
      case DATE: {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
      }
      default: {
        double v = rs.getDouble(i);
        return rs.wasNull() || !Double.isFinite(v) ? null : v;
      }
    }
  }


  // ------------------------------------------------------------------ plain queries

  private Sql plain(DiscoverQuery q) {
    Sql sql = new Sql().add("SELECT ");
    List<Field> fields = q.fields();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) sql.add(", ");
      expr(sql, fields.get(i));
      sql.add(" AS c" + i);
    }
    sql.add(" FROM spans");
    where(sql, q);
    sql.add(" ORDER BY ");
    List<Order> orders = q.orderBy();
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      if (i > 0) sql.add(", ");
      int idx = fields.indexOf(o.field());
      if (idx >= 0) sql.add("c" + idx);
      else expr(sql, o.field());
      sql.add(o.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST");
    }
    sql.add(", span_id LIMIT ").param(q.limit());
    return sql;
  }

  /** The row-level expression of a column or tag. */
  private static void expr(Sql sql, Field f) {
    if (f instanceof Tag t) {
      sql.add("tags[").param(t.key()).add("]");
      return;
    }
    switch ((Column) f) {
      case TRANSACTION: sql.add("transaction"); break;
      case OP: sql.add("op"); break;
      case DESCRIPTION: sql.add("description"); break;
      case STATUS: sql.add("status"); break;
      case RELEASE: sql.add("release"); break;
      case ENVIRONMENT: sql.add("environment"); break;
      case USER: sql.add("user_key"); break;
      case TRACE: sql.add(Schema.hex128("trace_id")); break;
      case SPAN_ID: sql.add(Schema.hex64("span_id")); break;
      case PARENT_SPAN_ID: sql.add(Schema.hex64("parent_span_id")); break;
      case DURATION: sql.add(DURATION_MS); break;
      case TIMESTAMP: sql.add("end_us"); break;
      case PROJECT: sql.add("project_id"); break;
      case SERVICE: sql.add("service"); break;
      case PLATFORM: sql.add("platform"); break;
      default: throw new AssertionError(f);
    }
  }

  /** {@code WHERE} with the period, dataset, project and every row condition. */
  private static void where(Sql sql, DiscoverQuery q) {
    sql.add(" WHERE end_us >= ").param(q.startUs()).add(" AND end_us < ").param(q.endUs());
    if (q.dataset() == Dataset.TRANSACTIONS) sql.add(" AND is_segment");
    if (q.projectId() != null) sql.add(" AND project_id = ").param(q.projectId());
    for (Condition c : q.conditions()) {
      if (c.isAggregate()) continue;
      sql.add(" AND ");
      condition(sql, c, null);
    }
  }

  /**
   * A condition. {@code alias} is the column holding an aggregate's value (group conditions), or
   * {@code null} for row conditions on columns and tags.
   */
  private static void condition(Sql sql, Condition c, String alias) {
    sql.add(c.negated() ? "NOT coalesce((" : "coalesce((");
    if (c instanceof Condition.Compare cmp) {
      target(sql, cmp.field(), alias);
      sql.add(" " + cmp.op().sql() + " ").param(cmp.value());
    } else if (c instanceof Condition.Match m) {
      target(sql, m.field(), alias);
      sql.add(" LIKE ").param(m.likePattern()).add(" ESCAPE '\\'");
    } else if (c instanceof Condition.In in) {
      target(sql, in.field(), alias);
      sql.add(" IN (");
      for (int i = 0; i < in.values().size(); i++) {
        if (i > 0) sql.add(", ");
        sql.param(in.values().get(i));
      }
      sql.add(")");
    } else if (c instanceof Condition.Has h) {
      target(sql, h.field(), alias);
      sql.add(" IS NOT NULL");
      if (h.field().type() == FieldType.STRING) {
        sql.add(" AND ");
        target(sql, h.field(), alias);
        sql.add(" <> ''");
      }
    } else if (c instanceof Condition.Text t) {
      sql.add("contains(lower(coalesce(transaction, '')), lower(").param(t.text())
          .add(")) OR contains(lower(coalesce(description, '')), lower(").param(t.text()).add("))");
    } else {
      throw new AssertionError(c);
    }
    sql.add("), false)");
  }

  private static void target(Sql sql, Field f, String alias) {
    if (alias != null) sql.add(alias);
    else expr(sql, f);
  }

  // ------------------------------------------------------------------ aggregating queries

  private Sql aggregating(DiscoverQuery q) {
    List<Field> fields = q.fields();
    // Aggregates filtered on but not selected are computed as hidden columns h0, h1...
    List<Aggregate> hidden = new ArrayList<>();
    for (Condition c : q.conditions()) {
      if (!c.isAggregate()) continue;
      Aggregate a = (Aggregate) ((Condition.Compare) c).field();
      if (!fields.contains(a) && !hidden.contains(a)) hidden.add(a);
    }

    // b: one row per matching span, group keys g<i> and aggregate arguments x<i>.
    Sql b = new Sql().add("SELECT ");
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
    b.add(DURATION_MS + " AS d, status, user_key FROM spans");
    where(b, q);

    // a: the groups.
    Sql a = new Sql().add("SELECT ");
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) a.add(", ");
      Field f = fields.get(i);
      if (f.isAggregate()) aggregate(a, (Aggregate) f, "x" + i, q);
      else a.add("g" + i);
      a.add(" AS c" + i);
    }
    for (int i = 0; i < hidden.size(); i++) {
      a.add(", ");
      aggregate(a, hidden.get(i), "y" + i, q);
      a.add(" AS h" + i);
    }
    a.add(" FROM (").add(b).add(") AS b");
    if (!groups.isEmpty()) a.add(" GROUP BY " + String.join(", ", groups));

    Sql sql = new Sql().add("SELECT ");
    for (int i = 0; i < fields.size(); i++) sql.add((i > 0 ? ", " : "") + "c" + i);
    sql.add(" FROM (").add(a).add(") AS a WHERE true");
    for (Condition c : q.conditions()) {
      if (!c.isAggregate()) continue;
      Aggregate agg = (Aggregate) ((Condition.Compare) c).field();
      int idx = fields.indexOf(agg);
      sql.add(" AND ");
      condition(sql, c, idx >= 0 ? "c" + idx : "h" + hidden.indexOf(agg));
    }
    sql.add(" ORDER BY ");
    List<Order> orders = q.orderBy();
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      sql.add((i > 0 ? ", " : "") + "c" + fields.indexOf(o.field()) + (o.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST"));
    }
    for (int i = 0; i < fields.size(); i++) {
      if (!fields.get(i).isAggregate()) sql.add(", c" + i + " ASC NULLS LAST");
    }
    sql.add(" LIMIT ").param(q.limit());
    return sql;
  }

  /** An aggregate over level {@code b}; {@code arg} is the column holding its argument. */
  private static void aggregate(Sql sql, Aggregate agg, String arg, DiscoverQuery q) {
    double t = agg.parameter();
    switch (agg.function()) {
      case COUNT: sql.add("count(*)"); break;
      case COUNT_UNIQUE: sql.add("count(DISTINCT " + arg + ")"); break;
      case AVG: sql.add("avg(" + arg + ")"); break;
      case SUM: sql.add("sum(" + arg + ")"); break;
      case MIN: sql.add("min(" + arg + ")"); break;
      case MAX: sql.add("max(" + arg + ")"); break;
      case P50:
      case P75:
      case P95:
      case P99:
      case PERCENTILE:
        sql.add("quantile_cont(" + arg + ", ").param(t).add(")");
        break;
      case FAILURE_RATE:
        sql.add("avg(CASE WHEN " + Schema.FAILED + " THEN 1.0 ELSE 0.0 END)");
        break;
      case APDEX:
        sql.add("(count(*) FILTER (WHERE d <= ").param(t).add(") + count(*) FILTER (WHERE d > ")
            .param(t).add(" AND d <= ").param(4 * t).add(") / 2.0) / nullif(count(*), 0)");
        break;
      case USER_MISERY:
        sql.add("(count(DISTINCT user_key) FILTER (WHERE d > ").param(4 * t)
            .add(") + 5.8875) / (count(DISTINCT user_key) + 5.8875 + 111.8625)");
        break;
      case TPM:
        sql.add("count(*) / ").param((q.endUs() - q.startUs()) / 60_000_000.0);
        break;
      case TPS:
        sql.add("count(*) / ").param((q.endUs() - q.startUs()) / 1_000_000.0);
        break;
      default:
        throw new AssertionError(agg);
    }
  }
}
