package dev.spindle.storage.clickhouse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.discover.Column;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import dev.spindle.storage.discover.DiscoverResult;
import dev.spindle.storage.discover.DiscoverSql;
import dev.spindle.storage.discover.DiscoverStore;
import dev.spindle.storage.discover.Field;
import dev.spindle.storage.discover.FieldType;
import dev.spindle.storage.discover.Figures;
import java.util.ArrayList;
import java.util.List;

/**
 * Discover on ClickHouse: {@link DiscoverSql} compiles the query with this class's dialect, and
 * every value reaches the text through {@link Sql}'s literal escaping (ClickHouse 18.16 has no
 * query parameters). Reads use {@code FINAL}, so replayed rows count once; on a cluster they read
 * the Distributed table.
 */
final class ClickHouseDiscover implements DiscoverStore {
  private final ClickHouseHttp http;
  private final ClickHouseDialect dialect;

  ClickHouseDiscover(ClickHouseHttp http, ClickHouseSchema schema) {
    this.http = http;
    this.dialect = new ClickHouseDialect(schema);
  }

  @Override
  public DiscoverResult discover(DiscoverQuery q) {
    requireNonNull(q, "q");
    String sql = DiscoverSql.compile(q, dialect).text(Sql::literal);
    List<Field> fields = q.fields();
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode r : http.query(sql)) {
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

  /** ClickHouse's SQL over the {@code spans} table: ids as text, tags as a nested key/value pair. */
  private static final class ClickHouseDialect implements DiscoverSql.Dialect {
    private final ClickHouseSchema schema;

    ClickHouseDialect(ClickHouseSchema schema) {
      this.schema = schema;
    }

    @Override
    public String column(Column column) {
      switch (column) {
        case TRANSACTION: return "transaction";
        case OP: return "op";
        // a segment stored before the column has none: its own op
        case TRANSACTION_OP: return "if(isNull(transaction_op) AND is_segment = 1, op, transaction_op)";
        case DESCRIPTION: return "description";
        case STATUS: return "status";
        case RELEASE: return "release";
        case ENVIRONMENT: return "environment";
        case USER: return "user_key";
        case TRACE: return "trace_id";
        case SPAN_ID: return "span_id";
        case PARENT_SPAN_ID: return "parent_span_id";
        case DURATION: return "(duration_us / 1000.0)";
        case TIMESTAMP: return "(" + ClickHouseSchema.END_US + ")";
        case PROJECT: return "project_id";
        case SERVICE: return "service";
        case PLATFORM: return "platform";
        default: throw new AssertionError(column);
      }
    }

    @Override
    public void tag(DiscoverSql.Writer sql, String key) {
      sql.add("if(has(tags.key, ").value(key).add("), tags.value[indexOf(tags.key, ").value(key)
          .add(")], NULL)");
    }

    /** The rows' start_time (seconds) bounds the scan by the primary key before the exact test. */
    @Override
    public void from(DiscoverSql.Writer sql, DiscoverQuery q) {
      sql.add(" FROM " + schema.table("spans") + " FINAL WHERE start_time <= toDateTime(")
          .value(Math.floorDiv(q.endUs(), 1_000_000L)).add(") AND " + ClickHouseSchema.END_US + " >= ")
          .value(q.startUs()).add(" AND " + ClickHouseSchema.END_US + " < ").value(q.endUs());
      if (q.dataset() == Dataset.TRANSACTIONS) sql.add(" AND is_segment = 1");
    }

    @Override
    public String falseValue() {
      return "0";
    }

    /** ClickHouse's LIKE takes backslash escapes, as the pattern is written. */
    @Override
    public void like(DiscoverSql.Writer sql, String pattern) {
      sql.add("LIKE ").value(pattern);
    }

    @Override
    public void containsIgnoreCase(DiscoverSql.Writer sql, String expr, String text) {
      sql.add("position(lowerUTF8(" + expr + "), lowerUTF8(").value(text).add(")) > 0");
    }

    @Override
    public Figures figures() {
      return ClickHouseFunctions.FIGURES;
    }
  }
}
