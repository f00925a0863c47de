package dev.spindle.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Discover on ClickHouse. The SQL text is assembled from the fixed fragments of this class
 * (column and function names from closed enums, aliases {@code c0, c1...}); every value from the
 * query — filter values, tag keys, quantiles, thresholds — goes through {@link Sql}'s literal
 * escaping (ClickHouse 18.16 has no query parameters). Reads use {@code FINAL}, so replayed rows
 * count once.
 *
 * <p>An aggregating query has three levels: {@code b} projects the group keys and aggregate
 * arguments of the matching rows, {@code a} aggregates them per group, and the outer level
 * filters groups, sorts and limits. A plain query is one level.
 */
final class ClickHouseDiscover implements DiscoverStore {
  private static final String DURATION_MS = "(duration_us / 1000.0)";

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;

  ClickHouseDiscover(ClickHouseHttp http, ClickHouseSchema schema) {
    this.http = http;
    this.schema = schema;
  }

  @Override
  public DiscoverResult discover(DiscoverQuery q) {
    requireNonNull(q, "q");
    Sql sql = q.isAggregating() ? aggregating(q) : plain(q);
    List<Field> fields = q.fields();
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
      List<Object> row = new ArrayList<>(fields.size());
      for (int i = 0; i < fields.size(); i++) row.add(value(r.get("c" + i), fields.get(i).type()));
      rows.add(row);
    }
    return new DiscoverResult(rows);
  }

  private static Object value(JsonNode n, FieldType type) {
    if (n == null || n.isNull()) return null;
    switch (type) {
      case STRING:
        return n.asText();
      case INTEGER:
      case DATE:
        return n.isNumber() ? n.asLong() : Long.parseLong(n.asText());
      default: {
        double v = n.isNumber() ? n.asDouble() : parseDouble(n.asText());
        return Double.isFinite(v) ? v : null;
      }
    }
  }

  private static double parseDouble(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN; // "nan", "inf"
    }
  }

  private static void literal(Sql sql, Object value) {
    if (value instanceof Long l) sql.num(l);
    else if (value instanceof Integer i) sql.num(i.longValue());
    else if (value instanceof Double d) sql.num(d);
    else sql.str((String) value);
  }

  // ------------------------------------------------------------------ plain queries

  private Sql plain(DiscoverQuery q) {
    Sql sql = new Sql("SELECT ");
    List<Field> fields = q.fields();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) sql.sql(", ");
      expr(sql, fields.get(i));
      sql.sql(" AS c" + i);
    }
    from(sql, q);
    sql.sql(" ORDER BY ");
    List<Order> orders = q.orderBy();
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      if (i > 0) sql.sql(", ");
      int idx = fields.indexOf(o.field());
      if (idx >= 0) sql.sql("c" + idx);
      else expr(sql, o.field());
      sql.sql(o.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST");
    }
    sql.sql(", span_id LIMIT ").num(q.limit());
    return sql;
  }

  /** The row-level expression of a column or tag. */
  private static void expr(Sql sql, Field f) {
    if (f instanceof Tag t) {
      sql.sql("if(has(tags.key, ").str(t.key()).sql("), tags.value[indexOf(tags.key, ").str(t.key())
          .sql(")], NULL)");
      return;
    }
    switch ((Column) f) {
      case TRANSACTION: sql.sql("transaction"); break;
      case OP: sql.sql("op"); break;
      case DESCRIPTION: sql.sql("description"); break;
      case STATUS: sql.sql("status"); break;
      case RELEASE: sql.sql("release"); break;
      case ENVIRONMENT: sql.sql("environment"); break;
      case USER: sql.sql("user_key"); break;
      case TRACE: sql.sql("trace_id"); break;
      case SPAN_ID: sql.sql("span_id"); break;
      case PARENT_SPAN_ID: sql.sql("parent_span_id"); break;
      case DURATION: sql.sql(DURATION_MS); break;
      case TIMESTAMP: sql.sql("(" + ClickHouseSchema.END_US + ")"); break;
      case PROJECT: sql.sql("project_id"); break;
      case SERVICE: sql.sql("service"); break;
      case PLATFORM: sql.sql("platform"); break;
      default: throw new AssertionError(f);
    }
  }

  /** {@code FROM spans FINAL WHERE} the period, dataset, project and every row condition. */
  private void from(Sql sql, DiscoverQuery q) {
    sql.sql(" FROM " + schema.table("spans") + " FINAL WHERE start_time <= toDateTime(")
        .num(Math.floorDiv(q.endUs(), 1_000_000L)).sql(") AND " + ClickHouseSchema.END_US + " >= ")
        .num(q.startUs()).sql(" AND " + ClickHouseSchema.END_US + " < ").num(q.endUs());
    if (q.dataset() == Dataset.TRANSACTIONS) sql.sql(" AND is_segment = 1");
    if (q.projectId() != null) sql.sql(" AND project_id = ").num(q.projectId());
    for (Condition c : q.conditions()) {
      if (c.isAggregate()) continue;
      sql.sql(" AND ");
      condition(sql, c, null);
    }
  }

  /**
   * A condition. {@code alias} is the column holding an aggregate's value (group conditions), or
   * {@code null} for row conditions on columns and tags. A missing value (NULL) makes the plain
   * condition false and the negated one true.
   */
  private static void condition(Sql sql, Condition c, String alias) {
    sql.sql(c.negated() ? "NOT coalesce((" : "coalesce((");
    if (c instanceof Condition.Compare cmp) {
      target(sql, cmp.field(), alias);
      sql.sql(" " + cmp.op().sql() + " ");
      literal(sql, cmp.value());
    } else if (c instanceof Condition.Match m) {
      // ClickHouse's LIKE takes backslash escapes, as the pattern is written.
      target(sql, m.field(), alias);
      sql.sql(" LIKE ").str(m.likePattern());
    } else if (c instanceof Condition.In in) {
      target(sql, in.field(), alias);
      sql.sql(" IN (");
      for (int i = 0; i < in.values().size(); i++) {
        if (i > 0) sql.sql(", ");
        literal(sql, in.values().get(i));
      }
      sql.sql(")");
    } else if (c instanceof Condition.Has h) {
      sql.sql("isNotNull(");
      target(sql, h.field(), alias);
      sql.sql(")");
      if (h.field().type() == FieldType.STRING) {
        sql.sql(" AND ifNull(");
        target(sql, h.field(), alias);
        sql.sql(", '') != ''");
      }
    } else if (c instanceof Condition.Text t) {
      sql.sql("position(lowerUTF8(ifNull(transaction, '')), lowerUTF8(").str(t.text())
          .sql(")) > 0 OR position(lowerUTF8(ifNull(description, '')), lowerUTF8(").str(t.text()).sql(")) > 0");
    } else {
      throw new AssertionError(c);
    }
    sql.sql("), 0)");
  }

  private static void target(Sql sql, Field f, String alias) {
    if (alias != null) sql.sql(alias);
    else expr(sql, f);
  }

  // ------------------------------------------------------------------ aggregating queries

  private Sql aggregating(DiscoverQuery q) {
    List<Field> fields = q.fields();
    List<Aggregate> hidden = new ArrayList<>();
    for (Condition c : q.conditions()) {
      if (!c.isAggregate()) continue;
      Aggregate a = (Aggregate) ((Condition.Compare) c).field();
      if (!fields.contains(a) && !hidden.contains(a)) hidden.add(a);
    }

    Sql b = new Sql("SELECT ");
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      if (f.isAggregate()) {
        Field arg = ((Aggregate) f).argument();
        if (arg == null) continue;
        expr(b, arg);
        b.sql(" AS x" + i + ", ");
      } else {
        expr(b, f);
        b.sql(" AS g" + i + ", ");
        groups.add("g" + i);
      }
    }
    for (int i = 0; i < hidden.size(); i++) {
      Field arg = hidden.get(i).argument();
      if (arg == null) continue;
      expr(b, arg);
      b.sql(" AS y" + i + ", ");
    }
    b.sql(DURATION_MS + " AS d, status AS st, user_key AS uk");
    from(b, q);

    Sql a = new Sql("SELECT ");
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) a.sql(", ");
      Field f = fields.get(i);
      if (f.isAggregate()) aggregate(a, (Aggregate) f, "x" + i, q);
      else a.sql("g" + i);
      a.sql(" AS c" + i);
    }
    for (int i = 0; i < hidden.size(); i++) {
      a.sql(", ");
      aggregate(a, hidden.get(i), "y" + i, q);
      a.sql(" AS h" + i);
    }
    a.sql(" FROM (").sql(b.toString()).sql(")");
    if (!groups.isEmpty()) a.sql(" GROUP BY " + String.join(", ", groups));

    Sql sql = new Sql("SELECT ");
    for (int i = 0; i < fields.size(); i++) sql.sql((i > 0 ? ", " : "") + "c" + i);
    sql.sql(" FROM (").sql(a.toString()).sql(") WHERE 1");
    for (Condition c : q.conditions()) {
      if (!c.isAggregate()) continue;
      Aggregate agg = (Aggregate) ((Condition.Compare) c).field();
      int idx = fields.indexOf(agg);
      sql.sql(" AND ");
      condition(sql, c, idx >= 0 ? "c" + idx : "h" + hidden.indexOf(agg));
    }
    sql.sql(" ORDER BY ");
    List<Order> orders = q.orderBy();
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      sql.sql((i > 0 ? ", " : "") + "c" + fields.indexOf(o.field()) + (o.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST"));
    }
    for (int i = 0; i < fields.size(); i++) {
      if (!fields.get(i).isAggregate()) sql.sql(", c" + i + " ASC NULLS LAST");
    }
    sql.sql(" LIMIT ").num(q.limit());
    return sql;
  }

  private static final String FAILED = "(st NOT IN ('ok', 'cancelled', 'unknown', 'unknown_error'))";

  /** An aggregate over level {@code b}; {@code arg} is the column holding its argument. */
  private static void aggregate(Sql sql, Aggregate agg, String arg, DiscoverQuery q) {
    double t = agg.parameter();
    switch (agg.function()) {
      case COUNT: sql.sql("count()"); break;
      case COUNT_UNIQUE: sql.sql("uniqExact(" + arg + ")"); break;
      case AVG: sql.sql("if(count(" + arg + ") > 0, avg(" + arg + "), NULL)"); break;
      case SUM: sql.sql("if(count(" + arg + ") > 0, sum(" + arg + "), NULL)"); break;
      case MIN: sql.sql("if(count(" + arg + ") > 0, min(" + arg + "), NULL)"); break;
      case MAX: sql.sql("if(count(" + arg + ") > 0, max(" + arg + "), NULL)"); break;
      case P50:
      case P75:
      case P95:
      case P99:
      case PERCENTILE:
        sql.sql("if(count(" + arg + ") > 0, quantile(").num(t).sql(")(" + arg + "), NULL)");
        break;
      case FAILURE_RATE:
        sql.sql("if(count() > 0, avg(" + FAILED + "), NULL)");
        break;
      case APDEX:
        sql.sql("(countIf(d <= ").num(t).sql(") + countIf(d > ").num(t).sql(" AND d <= ").num(4 * t)
            .sql(") / 2) / nullIf(count(), 0)");
        break;
      case USER_MISERY:
        sql.sql("(uniqExactIf(ifNull(uk, ''), isNotNull(uk) AND d > ").num(4 * t)
            .sql(") + 5.8875) / (uniqExactIf(ifNull(uk, ''), isNotNull(uk)) + 5.8875 + 111.8625)");
        break;
      case TPM:
        sql.sql("count() / ").num((q.endUs() - q.startUs()) / 60_000_000.0);
        break;
      case TPS:
        sql.sql("count() / ").num((q.endUs() - q.startUs()) / 1_000_000.0);
        break;
      default:
        throw new AssertionError(agg);
    }
  }
}
