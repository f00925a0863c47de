package dev.spindle.protocol;

import dev.spindle.protocol.internal.JsonReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

  @Test
  void readsValuesAndRawMembers() {
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, Object> m = JsonReader.parseObject(
        " {\"a\":1,\"b\":[true,null,2.5],\"c\":{\"d\":\"\\u00e9\\n\"}, \"e\" : \"x\"} ", raw);
    assertEquals(1L, m.get("a"));
    assertEquals(java.util.Arrays.asList(true, null, 2.5), m.get("b"));
    assertEquals(Map.of("d", "é\n"), m.get("c"));
    assertEquals("{\"d\":\"\\u00e9\\n\"}", raw.get("c"));
    assertEquals("\"x\"", raw.get("e"));
    assertEquals(List.of(), JsonReader.parse("[]"));
    assertNull(JsonReader.parse("null"));
    assertEquals(1e30, JsonReader.parse("1000000000000000000000000000000"));
  }

  @Test
  void rejectsMalformedInputWithTheOffset() {
    assertMessage("invalid JSON: expected a JSON object at offset 0", "[1]");
    assertMessage("invalid JSON: unexpected trailing characters at offset 3", "{} x");
    assertMessage("invalid JSON: unterminated string", "{\"a");
    assertMessage("invalid JSON: invalid \\u escape", "{\"a\":\"\\u+123\"}");
    assertMessage("invalid JSON: invalid \\u escape", "{\"a\":\"\\u１２３４\"}");
    assertMessage("invalid JSON: control character in string", "{\"a\":\"\n\"}");
    assertMessage("invalid JSON: expected ',' or '}'", "{\"a\":1 \"b\":2}");
  }

  @Test
  void nestingIsBounded() {
    String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
    assertTrue(JsonReader.parse(ok) instanceof List);
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(deep));
    assertTrue(e.getMessage().startsWith("invalid JSON: nested deeper than 64 levels"), e.getMessage());
    String deepObj = "{\"a\":".repeat(65) + "1" + "}".repeat(65);
    assertThrows(IllegalArgumentException.class, () -> JsonReader.parseObject(deepObj, null));
  }

  private static void assertMessage(String prefix, String json) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonReader.parseObject(json, null));
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }
}
