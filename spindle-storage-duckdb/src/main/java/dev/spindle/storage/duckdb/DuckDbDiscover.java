package dev.spindle.storage.duckdb;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageException;
import dev.spindle.storage.discover.Column;
import dev.spindle.storage.discover.Dataset;
import dev.spindle.storage.discover.DiscoverQuery;
import dev.spindle.storage.discover.DiscoverResult;
import dev.spindle.storage.discover.DiscoverSql;
import dev.spindle.storage.discover.DiscoverStore;
import dev.spindle.storage.discover.Field;
import dev.spindle.storage.discover.FieldType;
import dev.spindle.storage.discover.Figures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Discover on DuckDB: {@link DiscoverSql} compiles the query with {@link #DIALECT}; every value
 * is a bound JDBC parameter. Ids are stored binary and rendered as hex text
 * ({@link Schema#hex128}, {@link Schema#hex64}).
 */
final class DuckDbDiscover implements DiscoverStore {
  private final DuckDbQueries.ConnectionSource connections;

  DuckDbDiscover(DuckDbQueries.ConnectionSource connections) {
    this.connections = connections;
  }

  @Override
  public DiscoverResult discover(DiscoverQuery q) {
    requireNonNull(q, "q");
    DiscoverSql sql = DiscoverSql.compile(q, DIALECT);
    List<Field> fields = q.fields();
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.text())) {
      DuckDbQueries.bind(ps, sql.values());
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

  /** DuckDB's SQL over the {@code spans} table. */
  private static final DiscoverSql.Dialect DIALECT = new DiscoverSql.Dialect() {
    @Override
    public String column(Column column) {
      switch (column) {
        case TRANSACTION: return "transaction";
        case OP: return "op";
        // a segment stored before the column has none: its own op
        case TRANSACTION_OP: return "coalesce(transaction_op, CASE WHEN is_segment THEN op END)";
        case DESCRIPTION: return "description";
        case STATUS: return "status";
        case RELEASE: return "release";
        case ENVIRONMENT: return "environment";
        case USER: return "user_key";
        case TRACE: return Schema.hex128("trace_id");
        case SPAN_ID: return Schema.hex64("span_id");
        case PARENT_SPAN_ID: return Schema.hex64("parent_span_id");
        case DURATION: return "((end_us - start_us) / 1000.0)";
        case TIMESTAMP: return "end_us";
        case PROJECT: return "project_id";
        case SERVICE: return "service";
        case PLATFORM: return "platform";
        default: throw new AssertionError(column);
      }
    }

    @Override
    public void tag(DiscoverSql.Writer sql, String key) {
      sql.add("tags[").value(key).add("]");
    }

    @Override
    public void from(DiscoverSql.Writer sql, DiscoverQuery q) {
      sql.add(" FROM spans WHERE end_us >= ").value(q.startUs()).add(" AND end_us < ").value(q.endUs());
      if (q.dataset() == Dataset.TRANSACTIONS) sql.add(" AND is_segment");
    }

    @Override
    public String falseValue() {
      return "false";
    }

    @Override
    public void like(DiscoverSql.Writer sql, String pattern) {
      sql.add("LIKE ").value(pattern).add(" ESCAPE '\\'");
    }

    @Override
    public void containsIgnoreCase(DiscoverSql.Writer sql, String expr, String text) {
      sql.add("contains(lower(" + expr + "), lower(").value(text).add("))");
    }

    @Override
    public Figures figures() {
      return DuckDbFunctions.FIGURES;
    }
  };
}
