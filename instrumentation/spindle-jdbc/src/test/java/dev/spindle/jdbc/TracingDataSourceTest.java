package dev.spindle.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.SpanData;
import dev.spindle.StrictScopes;
import dev.spindle.Transaction;
import dev.spindle.TransactionData;
import dev.spindle.protocol.SpanStatus;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbc.JdbcSQLSyntaxErrorException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracingDataSourceTest {
  private static final AtomicInteger DB = new AtomicInteger();

  CapturedTransactions captured;
  StrictScopes strict;
  JdbcDataSource h2;
  DataSource dataSource;

  @BeforeEach
  void setUp() throws SQLException {
    strict = StrictScopes.enable();
    captured = new CapturedTransactions(1.0);
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:jdbc" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    dataSource = TracingDataSource.wrap(h2, captured.tracer);
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50), age INT)");
    }
  }

  @AfterEach
  void tearDown() throws SQLException {
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
    captured.close();
    strict.assertClean();
    strict.close();
  }

  /** Runs {@code work} inside a new current transaction and returns what was sent. */
  TransactionData traced(SqlWork work) throws Exception {
    Transaction tx = captured.tracer.startTransaction("test", "task");
    try (Scope s = tx.makeCurrent()) {
      work.run();
    } finally {
      tx.finish();
    }
    TransactionData data = captured.take();
    assertEquals(tx.spanId(), data.spanId());
    return data;
  }

  interface SqlWork {
    void run() throws Exception;
  }

  static SpanData only(TransactionData data) {
    assertEquals(1, data.spans().size(), () -> "spans: " + data.spans());
    return data.spans().get(0);
  }

  @Test
  void plainStatementRecordsSqlWithoutLiterals() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        assertEquals(1, s.executeUpdate("INSERT INTO users VALUES (1, 'alice secret', 33)"));
      }
    });
    SpanData span = only(data);
    assertEquals("db.query", span.operation());
    assertEquals("INSERT INTO users VALUES (?, ?, ?)", span.description());
    assertEquals(data.spanId(), span.parentSpanId());
    assertEquals(SpanStatus.OK, span.status());
    assertEquals("h2", span.data().get("db.system"));
    assertEquals("INSERT", span.data().get("db.operation"));
    assertEquals(1L, ((Number) span.data().get("db.rows_affected")).longValue());
  }

  @Test
  void preparedStatementRecordsSqlAsWrittenAndNoValues() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection();
          PreparedStatement p = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?)")) {
        p.setInt(1, 7);
        p.setString(2, "bob-secret");
        p.setInt(3, 41);
        p.executeUpdate();
      }
      try (Connection c = dataSource.getConnection();
          PreparedStatement p = c.prepareStatement("SELECT name FROM users WHERE id = ?")) {
        p.setInt(1, 7);
        try (ResultSet rs = p.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("bob-secret", rs.getString(1));
        }
      }
    });
    assertEquals(2, data.spans().size());
    SpanData insert = data.spans().stream().filter(s -> "INSERT".equals(s.data().get("db.operation")))
        .findFirst().orElseThrow();
    SpanData select = data.spans().stream().filter(s -> "SELECT".equals(s.data().get("db.operation")))
        .findFirst().orElseThrow();
    assertEquals("INSERT INTO users VALUES (?, ?, ?)", insert.description());
    assertEquals("SELECT name FROM users WHERE id = ?", select.description());
    assertFalse(select.data().containsKey("db.rows_affected"));
    assertFalse(data.spans().toString().contains("bob-secret"));
  }

  @Test
  void parentIsTheSpanCurrentWhenTheStatementRuns() throws Exception {
    Transaction tx = captured.tracer.startTransaction("test", "task");
    Span a = tx.startChild("work", "a");
    Span b = tx.startChild("work", "b");
    try (Connection c = dataSource.getConnection()) {
      PreparedStatement p;
      try (Scope s = a.makeCurrent()) {
        p = c.prepareStatement("SELECT COUNT(*) FROM users"); // prepared under A ...
      }
      try (Scope s = b.makeCurrent()) {
        p.executeQuery().close(); // ... executed under B
      }
      p.close();
    }
    a.finish();
    b.finish();
    tx.finish();
    TransactionData data = captured.take();
    SpanData query = data.spans().stream().filter(s -> s.operation().equals("db.query"))
        .findFirst().orElseThrow();
    assertEquals(b.spanId(), query.parentSpanId());
  }

  @Test
  void nothingIsRecordedWithoutACurrentSpan() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO users VALUES (1, 'a', 1)"); // no span current
    }
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.executeQuery("SELECT * FROM users").close();
      }
    });
    assertEquals("SELECT * FROM users", only(data).description());
    assertNull(captured.finished.poll());
  }

  @Test
  void nothingIsRecordedUnderAnUnsampledTransaction() throws Exception {
    try (CapturedTransactions unsampled = new CapturedTransactions(0.0)) {
      DataSource ds = TracingDataSource.wrap(h2, unsampled.tracer);
      Transaction tx = unsampled.tracer.startTransaction("test", "task");
      assertFalse(tx.isRecording());
      try (Scope s = tx.makeCurrent(); Connection c = ds.getConnection();
          Statement st = c.createStatement()) {
        assertEquals(1, st.executeUpdate("INSERT INTO users VALUES (2, 'b', 2)"));
      }
      tx.finish();
      assertNull(unsampled.finished.poll(100, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void failureMarksTheSpanAndRethrowsTheSameException() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        assertThrows(JdbcSQLSyntaxErrorException.class, () -> s.executeQuery("SELECT * FROM missing"));
      }
    });
    SpanData span = only(data);
    assertEquals(SpanStatus.INTERNAL_ERROR, span.status());
    assertEquals("SELECT * FROM missing", span.description());
  }

  @Test
  void plainBatchIsOneSpanWithDistinctSanitizedStatements() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.addBatch("INSERT INTO users VALUES (1, 'a', 10)");
        s.addBatch("INSERT INTO users VALUES (2, 'b', 20)");
        s.addBatch("INSERT INTO users VALUES (3, 'c', 30)");
        assertEquals(3, s.executeBatch().length);
        s.addBatch("UPDATE users SET age = 11 WHERE id = 1");
        s.addBatch("DELETE FROM users WHERE id = 3");
        s.executeBatch();
      }
    });
    assertEquals(2, data.spans().size());
    SpanData inserts = data.spans().get(0);
    assertEquals("INSERT INTO users VALUES (?, ?, ?)", inserts.description());
    assertEquals("INSERT", inserts.data().get("db.operation"));
    assertEquals(3, ((Number) inserts.data().get("db.batch.size")).intValue());
    assertEquals(3L, ((Number) inserts.data().get("db.rows_affected")).longValue());
    SpanData mixed = data.spans().get(1);
    assertEquals("UPDATE users SET age = ? WHERE id = ?; DELETE FROM users WHERE id = ?",
        mixed.description());
    assertEquals("BATCH", mixed.data().get("db.operation"));
    assertEquals(2, ((Number) mixed.data().get("db.batch.size")).intValue());
  }

  @Test
  void preparedBatchCountsParameterSets() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection();
          PreparedStatement p = c.prepareStatement("INSERT INTO users (id, name) VALUES (?, ?)")) {
        for (int i = 0; i < 4; i++) {
          p.setInt(1, i);
          p.setString(2, "n" + i);
          p.addBatch();
        }
        p.executeBatch();
      }
    });
    SpanData span = only(data);
    assertEquals("INSERT INTO users (id, name) VALUES (?, ?)", span.description());
    assertEquals(4, ((Number) span.data().get("db.batch.size")).intValue());
    assertEquals(4L, ((Number) span.data().get("db.rows_affected")).longValue());
  }

  @Test
  void clearBatchForgetsStatements() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.addBatch("INSERT INTO users VALUES (1, 'a', 10)");
        s.clearBatch();
        s.addBatch("INSERT INTO users VALUES (2, 'b', 20)");
        s.executeBatch();
      }
    });
    assertEquals(1, ((Number) only(data).data().get("db.batch.size")).intValue());
  }

  @Test
  void callableStatement() throws Exception {
    TransactionData data = traced(() -> {
      try (Connection c = dataSource.getConnection();
          CallableStatement call = c.prepareCall("CALL ABS(?)")) {
        call.setInt(1, -5);
        try (ResultSet rs = call.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(5, rs.getInt(1));
        }
      }
    });
    SpanData span = only(data);
    assertEquals("CALL ABS(?)", span.description());
    assertEquals("CALL", span.data().get("db.operation"));
  }

  @Test
  void proxiesBehaveLikeTheDriversObjects() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      assertSame(c, s.getConnection());
      assertTrue(c.isWrapperFor(org.h2.jdbc.JdbcConnection.class));
      assertTrue(c.unwrap(org.h2.jdbc.JdbcConnection.class) instanceof org.h2.jdbc.JdbcConnection);
      assertEquals(c, c);
      assertFalse(c.isClosed());
    }
    assertSame(dataSource, TracingDataSource.wrap(dataSource));
    assertSame(h2, dataSource.unwrap(JdbcDataSource.class));
  }
}
