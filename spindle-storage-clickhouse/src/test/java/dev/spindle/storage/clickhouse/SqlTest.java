package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SqlTest {
  @Test
  void quotesAndBackslashesCannotEndTheLiteral() {
    assertEquals("'x\\' OR \\'1\\'=\\'1'", Sql.literal("x' OR '1'='1"));
    assertEquals("'a\\\\\\' b'", Sql.literal("a\\' b"));
    assertEquals("'line\\nbreak\\ttab\\0nul\\x01'", Sql.literal("line\nbreak\ttab\0nul\u0001"));
    assertEquals("'名前 🎉'", Sql.literal("名前 🎉"));
  }

  @Test
  void numbersAndIdentifiers() {
    assertEquals("0.25", Sql.literal(0.25));
    assertEquals("300", Sql.literal(300.0));
    assertThrows(IllegalArgumentException.class, () -> Sql.literal(Double.NaN));
    assertEquals("spindle_1", Sql.ident("spindle_1"));
    assertThrows(IllegalArgumentException.class, () -> Sql.ident("db; DROP TABLE x"));
    assertThrows(IllegalArgumentException.class, () -> Sql.ident("a.b"));
    assertEquals("SELECT 1 WHERE x = 'v' AND n = 7", new Sql("SELECT 1 WHERE x = ").str("v").sql(" AND n = ").num(7).toString());
  }
}
