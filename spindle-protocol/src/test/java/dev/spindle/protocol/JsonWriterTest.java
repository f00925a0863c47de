package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.spindle.protocol.internal.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void toUtf8IsTheStringsUtf8ForAnyText() {
    String alphabet = "aZ0 \"\\\n\u0001é\u07ff\u0800€\uffff\ud83d\ude00\ud83d\ude00";
    Random random = new Random(9);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        value.append(n % 4 == 0 ? (char) random.nextInt(0x10000) : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      JsonWriter w = new JsonWriter().beginObject().name("k").value(value.toString()).endObject();
      assertArrayEquals(w.toString().getBytes(StandardCharsets.UTF_8), w.toUtf8(), value.toString());
    }
  }
}
