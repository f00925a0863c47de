package dev.spindle.storage.duckdb;

import dev.spindle.storage.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;

/**
 * A fixed pool of read connections duplicated from the writer's database (opening one per query
 * costs milliseconds). {@link #get()} hands out a connection whose {@code close()} returns it.
 */
final class ReadPool implements AutoCloseable {
  private final ArrayBlockingQueue<Connection> idle;
  private final Connection[] all;

  ReadPool(DuckDBConnection root, int size) throws SQLException {
    idle = new ArrayBlockingQueue<>(size);
    all = new Connection[size];
    for (int i = 0; i < size; i++) {
      all[i] = root.duplicate();
      idle.add(all[i]);
    }
  }

  Connection get() throws SQLException {
    Connection c;
    try {
      c = idle.poll(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a read connection", e);
    }
    if (c == null) throw new StorageException("no read connection free within 30 s");
    Connection leased = c;
    boolean[] returned = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            if (!returned[0]) {
              returned[0] = true;
              if (!leased.getAutoCommit()) leased.rollback();
              idle.add(leased);
            }
            return null;
          }
          if (returned[0]) throw new SQLException("connection returned to the pool");
          try {
            return method.invoke(leased, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
