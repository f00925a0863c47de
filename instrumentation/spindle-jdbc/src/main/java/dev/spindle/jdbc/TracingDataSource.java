package dev.spindle.jdbc;

import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections record a {@code db.query} span for every statement
 * execution ({@code execute*} and batches of {@code Statement}, {@code PreparedStatement} and
 * {@code CallableStatement}), as a child of the span current <em>when the statement runs</em>.
 * Nothing is recorded when no span is current or the current span is not recording.
 *
 * <p>The span's description is the SQL without values: a prepared or callable statement's SQL as
 * written (with its {@code ?} placeholders); a plain statement's SQL with its string and numeric
 * literals replaced by {@code ?}. Its data holds {@code db.system} (from the JDBC URL, else the
 * product name), {@code db.operation} (the first keyword, or {@code BATCH} for a batch of mixed
 * statements), {@code db.rows_affected} for updates and batches, and {@code db.batch.size} for
 * batches. A failing execution marks the span {@code internal_error} and the exception is thrown
 * on unchanged.
 *
 * <pre>{@code
 * DataSource ds = TracingDataSource.wrap(pool);
 * }</pre>
 *
 * Connections and statements are {@link java.lang.reflect.Proxy proxies} of the JDBC interfaces;
 * reach the driver's own classes with {@code unwrap}.
 */
public final class TracingDataSource implements DataSource {
  private final DataSource delegate;
  private final Tracer tracer;
  private volatile String dbSystem;
  private volatile boolean dbSystemResolved;

  private TracingDataSource(DataSource delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  /** Wraps {@code dataSource}; spans are children of {@link Spindle#currentSpan()}. */
  public static DataSource wrap(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (dataSource instanceof TracingDataSource) return dataSource;
    return new TracingDataSource(dataSource, null);
  }

  /** Wraps {@code dataSource}; spans are children of {@code tracer.currentSpan()}. */
  public static DataSource wrap(DataSource dataSource, Tracer tracer) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(tracer, "tracer");
    if (dataSource instanceof TracingDataSource && ((TracingDataSource) dataSource).tracer == tracer) {
      return dataSource;
    }
    return new TracingDataSource(dataSource, tracer);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrapConnection(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrapConnection(delegate.getConnection(username, password));
  }

  private Connection wrapConnection(Connection connection) {
    if (connection == null) return null;
    if (!dbSystemResolved) resolveDbSystem(connection);
    return (Connection) Proxy.newProxyInstance(TracingDataSource.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new TracingConnection(this, connection));
  }

  /** Once per data source: the database does not change between connections. */
  private void resolveDbSystem(Connection connection) {
    try {
      DatabaseMetaData meta = connection.getMetaData();
      String system = DbSystem.fromUrl(meta.getURL());
      if (system == null) system = DbSystem.fromProductName(meta.getDatabaseProductName());
      dbSystem = system;
    } catch (SQLException | RuntimeException e) {
      // leave db.system out rather than fail the caller
    }
    dbSystemResolved = true;
  }

  String dbSystem() {
    return dbSystem;
  }

  Span currentSpan() {
    return tracer == null ? Spindle.currentSpan() : tracer.currentSpan();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) return iface.cast(this);
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "TracingDataSource(" + delegate + ")";
  }
}
