package dev.spindle.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;

/** Behind a {@link Connection} proxy: wraps the statements it creates, delegates the rest. */
final class TracingConnection implements InvocationHandler {
  final TracingDataSource dataSource;
  final Connection delegate;

  TracingConnection(TracingDataSource dataSource, Connection delegate) {
    this.dataSource = dataSource;
    this.delegate = delegate;
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
    Object result = invokeDelegate(delegate, method, args);
    switch (name) {
      case "createStatement":
        return wrap(proxy, Statement.class, (Statement) result, null);
      case "prepareStatement":
        return wrap(proxy, PreparedStatement.class, (Statement) result, (String) args[0]);
      case "prepareCall":
        return wrap(proxy, CallableStatement.class, (Statement) result, (String) args[0]);
      default:
        return result;
    }
  }

  private Object wrap(Object connectionProxy, Class<? extends Statement> type, Statement statement,
      String preparedSql) {
    if (statement == null) return null;
    return Proxy.newProxyInstance(TracingDataSource.class.getClassLoader(), new Class<?>[] {type},
        new TracingStatement(dataSource, (Connection) connectionProxy, statement, preparedSql));
  }

  /** Calls {@code method} on {@code target}, throwing what it throws rather than a wrapper. */
  static Object invokeDelegate(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
