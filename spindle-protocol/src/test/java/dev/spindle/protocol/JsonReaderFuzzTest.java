package dev.spindle.protocol;

import dev.spindle.protocol.internal.JsonReader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary text as JSON (envelope and item headers, client reports): a value, or an
 * {@link IllegalArgumentException} of exactly that class (not, say, a NumberFormatException or
 * a StackOverflowError); an object reads the same through {@code parseObject}, raw members
 * included.
 */
class JsonReaderFuzzTest {
  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void parse(byte[] data) {
    String text = new String(data, UTF_8);
    Object value;
    try {
      value = JsonReader.parse(text);
    } catch (IllegalArgumentException refused) {
      assertEquals(IllegalArgumentException.class, refused.getClass(), refused::toString);
      assertTrue(refused.getMessage().startsWith("invalid JSON: "), refused::getMessage);
      return;
    }
    if (value instanceof Map<?, ?> object) {
      Map<String, String> raw = new LinkedHashMap<>();
      assertEquals(object, JsonReader.parseObject(text, raw));
      assertEquals(object.keySet(), raw.keySet());
    }
  }
}
