package dev.spindle.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SqlSanitizerTest {
  @Test
  void replacesStringAndNumericLiterals() {
    assertEquals("SELECT * FROM users WHERE name = ? AND age > ? AND score < -?",
        SqlSanitizer.sanitize("SELECT * FROM users WHERE name = 'bob' AND age > 42 AND score < -1.5e3"));
  }

  @Test
  void escapedQuotesStayInsideTheLiteral() {
    assertEquals("INSERT INTO t VALUES (?, ?)",
        SqlSanitizer.sanitize("INSERT INTO t VALUES ('it''s ; secret', 'a\\'b')"));
  }

  @Test
  void prefixedAndDollarQuotedLiterals() {
    assertEquals("SELECT ?, ?, ?, ?",
        SqlSanitizer.sanitize("SELECT N'unicode', X'0AFF', 0xFF, $$body 12$$"));
  }

  @Test
  void keepsIdentifiersWithDigitsQuotedIdentifiersAndPlaceholders() {
    assertEquals("SELECT t1.col_2, \"Col 3\", `x4` FROM schema1.t1 WHERE id = ? AND v = $1",
        SqlSanitizer.sanitize("SELECT t1.col_2, \"Col 3\", `x4` FROM schema1.t1 WHERE id = ? AND v = $1"));
  }

  @Test
  void keepsComments() {
    assertEquals("/* app:1 */ SELECT ? -- note 7\nFROM t",
        SqlSanitizer.sanitize("/* app:1 */ SELECT 7 -- note 7\nFROM t"));
  }

  @Test
  void unterminatedLiteralIsReplacedToTheEnd() {
    assertEquals("SELECT ?", SqlSanitizer.sanitize("SELECT 'secret"));
    assertNull(SqlSanitizer.sanitize(null));
  }

  @Test
  void operationIsTheFirstKeyword() {
    assertEquals("SELECT", SqlSanitizer.operation("  /* c */ select 1"));
    assertEquals("INSERT", SqlSanitizer.operation("-- c\ninsert into t values (1)"));
    assertEquals("CALL", SqlSanitizer.operation("{call proc(?)}"));
    assertEquals("CALL", SqlSanitizer.operation("{? = call f(?)}"));
    assertEquals("WITH", SqlSanitizer.operation("(WITH x AS (SELECT 1) SELECT * FROM x)"));
    assertNull(SqlSanitizer.operation("   "));
    assertNull(SqlSanitizer.operation(null));
  }

  @Test
  void dbSystemFromUrlAndProductName() {
    assertEquals("h2", DbSystem.fromUrl("jdbc:h2:mem:test"));
    assertEquals("postgresql", DbSystem.fromUrl("jdbc:postgresql://db:5432/app"));
    assertEquals("mysql", DbSystem.fromUrl("jdbc:p6spy:mysql://db/app"));
    assertEquals("postgresql", DbSystem.fromUrl("jdbc:tc:postgresql:16:///app"));
    assertEquals("mssql", DbSystem.fromUrl("jdbc:sqlserver://db;databaseName=app"));
    assertNull(DbSystem.fromUrl("http://example.com"));
    assertNull(DbSystem.fromUrl(null));
    assertEquals("postgresql", DbSystem.fromProductName("PostgreSQL"));
    assertEquals("h2", DbSystem.fromProductName("H2"));
    assertNull(DbSystem.fromProductName(" "));
  }
}
