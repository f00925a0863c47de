package dev.spindle.jdbc;

import dev.spindle.Span;
import dev.spindle.protocol.SpanStatus;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Behind a statement proxy: records a {@code db.query} span around each execution. Like the
 * statement itself, not meant for use by several threads at once.
 */
final class TracingStatement implements InvocationHandler {
  static final String OP = "db.query";

  private final TracingDataSource dataSource;
  private final Connection connection;
  private final Statement delegate;
  /** The SQL of a prepared or callable statement, as written; null for a plain statement. */
  private final String preparedSql;
  /** Sanitized SQL of a plain statement's batch. */
  private List<String> batch;
  /** Parameter sets added to a prepared statement's batch. */
  private int preparedBatchSize;

  TracingStatement(TracingDataSource dataSource, Connection connection, Statement delegate,
      String preparedSql) {
    this.dataSource = dataSource;
    this.connection = connection;
    this.delegate = delegate;
    this.preparedSql = preparedSql;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (method.getDeclaringClass() == Object.class) {
      switch (name) {
        case "equals": return proxy == args[0];
        case "hashCode": return System.identityHashCode(proxy);
        default: return "Tracing(" + delegate + ")";
      }
    }
    switch (name) {
      case "getConnection":
        return connection;
      case "addBatch":
        Object added = TracingConnection.invokeDelegate(delegate, method, args);
        if (args != null && args.length == 1 && args[0] instanceof String) {
          if (batch == null) batch = new ArrayList<>();
          batch.add(sanitize((String) args[0]));
        } else {
          preparedBatchSize++;
        }
        return added;
      case "clearBatch":
        batch = null;
        preparedBatchSize = 0;
        return TracingConnection.invokeDelegate(delegate, method, args);
      case "executeBatch":
      case "executeLargeBatch":
        return executeBatch(method, args);
      case "execute":
      case "executeQuery":
      case "executeUpdate":
      case "executeLargeUpdate":
        return execute(method, args);
      default:
        return TracingConnection.invokeDelegate(delegate, method, args);
    }
  }

  private Object execute(Method method, Object[] args) throws Throwable {
    Span parent = dataSource.currentSpan();
    if (!parent.isRecording()) return TracingConnection.invokeDelegate(delegate, method, args);
    String sql = args != null && args.length > 0 && args[0] instanceof String
        ? sanitize((String) args[0])
        : preparedSql;
    Span span = start(parent, sql, SqlSanitizer.operation(sql));
    Object result;
    try {
      result = TracingConnection.invokeDelegate(delegate, method, args);
    } catch (Throwable e) {
      fail(span, e);
      throw e;
    }
    if (result instanceof Integer || result instanceof Long) {
      span.setData("db.rows_affected", ((Number) result).longValue());
    }
    span.finish();
    return result;
  }

  private Object executeBatch(Method method, Object[] args) throws Throwable {
    List<String> statements = batch;
    int size = statements != null ? statements.size() : preparedBatchSize;
    batch = null; // executing a batch empties it
    preparedBatchSize = 0;
    Span parent = dataSource.currentSpan();
    if (!parent.isRecording()) return TracingConnection.invokeDelegate(delegate, method, args);
    String sql;
    String operation;
    if (statements == null) {
      sql = preparedSql;
      operation = SqlSanitizer.operation(preparedSql);
    } else {
      Set<String> distinct = new LinkedHashSet<>(statements);
      sql = String.join("; ", distinct);
      Set<String> operations = new LinkedHashSet<>();
      for (String s : distinct) operations.add(String.valueOf(SqlSanitizer.operation(s)));
      operation = operations.size() == 1 ? SqlSanitizer.operation(statements.get(0)) : "BATCH";
    }
    Span span = start(parent, sql, operation);
    span.setData("db.batch.size", size);
    Object result;
    try {
      result = TracingConnection.invokeDelegate(delegate, method, args);
    } catch (Throwable e) {
      fail(span, e);
      throw e;
    }
    long rows = 0;
    boolean known = false;
    if (result instanceof int[]) {
      for (int n : (int[]) result) {
        if (n >= 0) {
          rows += n;
          known = true;
        }
      }
    } else if (result instanceof long[]) {
      for (long n : (long[]) result) {
        if (n >= 0) {
          rows += n;
          known = true;
        }
      }
    }
    if (known) span.setData("db.rows_affected", rows);
    span.finish();
    return result;
  }

  private Span start(Span parent, String sql, String operation) {
    Span span = parent.startChild(OP, sql);
    String system = dataSource.dbSystem();
    if (system != null) span.setData("db.system", system);
    if (operation != null) span.setData("db.operation", operation);
    return span;
  }

  private static void fail(Span span, Throwable e) {
    span.setThrowable(e);
    span.finish(SpanStatus.INTERNAL_ERROR);
  }

  private static String sanitize(String sql) {
    try {
      return SqlSanitizer.sanitize(sql);
    } catch (RuntimeException e) {
      return null; // never fail the query because of tracing; no description beats a leak
    }
  }
}
