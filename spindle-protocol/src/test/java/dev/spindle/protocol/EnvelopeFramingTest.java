package dev.spindle.protocol;

import dev.spindle.protocol.internal.EnvelopeReader;
import dev.spindle.protocol.internal.EnvelopeWriter;
import dev.spindle.protocol.internal.EnvelopeTooLargeException;
import dev.spindle.protocol.internal.MalformedEnvelopeException;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeFramingTest {
  static final EnvelopeReader READER = EnvelopeReader.unlimited();

  @Test
  void writesTheExactFormat() {
    byte[] e = new EnvelopeWriter("{\"event_id\":\"x\"}")
        .item("transaction", "application/json", "{\"a\":1}".getBytes(UTF_8))
        .item("attachment", null, "héllo".getBytes(UTF_8))
        .toByteArray();
    assertEquals("{\"event_id\":\"x\"}\n"
        + "{\"type\":\"transaction\",\"content_type\":\"application/json\",\"length\":7}\n"
        + "{\"a\":1}\n"
        + "{\"type\":\"attachment\",\"length\":6}\n"
        + "héllo", new String(e, UTF_8));
    assertThrows(IllegalArgumentException.class, () -> new EnvelopeWriter("{\n}"));
  }

  @Test
  void roundTripsBinaryPayloadsWithNewlines() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
    byte[] e = new EnvelopeWriter("{\"trace\":{\"a\": [1]},\"dsn\":\"d\"}")
        .item("attachment", "application/octet-stream", binary)
        .item("event", null, "\n\n".getBytes(UTF_8))
        .item("span", null, new byte[0])
        .toByteArray();
    EnvelopeReader.Parsed p = READER.read(e);
    assertEquals("{\"a\": [1]}", p.rawHeader("trace"));
    assertEquals("d", p.header("dsn"));
    assertNull(p.header("event_id"));
    assertEquals(List.of("attachment", "event", "span"), types(p));
    assertArrayEquals(binary, p.items().get(0).payload());
    assertEquals("application/octet-stream", p.items().get(0).contentType());
    assertNull(p.items().get(1).contentType());
    assertEquals("\n\n", text(p.items().get(1)));
    assertEquals(0, p.items().get(2).length());
  }

  @Test
  void itemsWithoutLengthRunToTheNextNewline() {
    EnvelopeReader.Parsed p = READER.read(("{}\n"
        + "{\"type\":\"event\"}\n{\"message\":\"hi\"}\n"
        + "{\"type\":\"attachment\",\"length\":3}\na\nb\n"
        + "{\"type\":\"client_report\"}\n{\"discarded_events\":[]}\n").getBytes(UTF_8));
    assertEquals(List.of("event", "attachment", "client_report"), types(p));
    assertEquals("{\"message\":\"hi\"}", text(p.items().get(0)));
    assertEquals("a\nb", text(p.items().get(1)));
    assertEquals("{\"discarded_events\":[]}", text(p.items().get(2)));
  }

  @Test
  void blankLinesAndATrailingNewlineAreSkipped() {
    assertEquals(0, READER.read("{}".getBytes(UTF_8)).items().size());
    assertEquals(0, READER.read("{}\n".getBytes(UTF_8)).items().size());
    assertEquals(0, READER.read("{}\n\n \r\n".getBytes(UTF_8)).items().size());
    byte[] b = ("{}\n{\"type\":\"attachment\",\"length\":6}\nab\ncd\n\n\n\r\n"
        + "{\"type\":\"event\"}\n{\"x\":1}").getBytes(UTF_8);
    EnvelopeReader.Parsed p = READER.read(b);
    assertEquals("ab\ncd\n", text(p.items().get(0)));
    assertEquals("{\"x\":1}", text(p.items().get(1)), "the last payload needs no newline");
    assertEquals(b, p.items().get(1).data(), "payloads are slices, not copies");
    EnvelopeReader.Parsed empty = READER.read("{}\n{\"type\":\"event\"}".getBytes(UTF_8));
    assertEquals(0, empty.items().get(0).length(), "a header at the very end has an empty payload");
  }

  @Test
  void malformedFramingIsRefusedPrecisely() {
    assertMalformed("envelope header: missing", "");
    assertMalformed("envelope header: missing", "\n{\"type\":\"event\"}\n{}");
    assertMalformed("envelope header: invalid JSON: expected a JSON object at offset 0", "not json\n");
    assertMalformed("envelope header: invalid JSON: expected a JSON object", "[1]\n");
    assertMalformed("item #1 header at offset 3: missing 'type'", "{}\n{\"length\":1}\nx");
    assertMalformed("item #1 header at offset 3: missing 'type'", "{}\n{\"type\":\"\"}\nx");
    assertMalformed("item #2 header at offset 22: invalid JSON", "{}\n{\"type\":\"event\"}\nx\n{bad\n");
    assertMalformed("item #1 ('event'): length 10 runs past the end of the envelope (3 bytes left)",
        "{}\n{\"type\":\"event\",\"length\":10}\nabc");
    assertMalformed("item #1 ('event'): invalid length -1 (expected: a non-negative integer)",
        "{}\n{\"type\":\"event\",\"length\":-1}\n");
    assertMalformed("item #1 ('event'): invalid length 1.5", "{}\n{\"type\":\"event\",\"length\":1.5}\nx");
    assertMalformed("item #1 ('event'): payload is longer than its length 2 (no newline at offset 33)",
        "{}\n{\"type\":\"event\",\"length\":2}\nabc");
    EnvelopeReader.Parsed p = READER.read("{\"event_id\":1}\n{\"type\":\"e\",\"content_type\":2}\n".getBytes(UTF_8));
    assertThrows(MalformedEnvelopeException.class, () -> p.header("event_id"));
    assertThrows(MalformedEnvelopeException.class, () -> p.items().get(0).contentType());
  }

  @Test
  void limitsAreTooLargeNotMalformed() {
    byte[] b = ("{}\n{\"type\":\"attachment\",\"length\":6}\nab\ncd\n\n"
        + "{\"type\":\"event\"}\n{\"x\":1}\n").getBytes(UTF_8);
    assertEquals(2, new EnvelopeReader(2, 7).read(b).items().size());
    assertTooLarge("item #1 ('attachment') is 6 bytes (limit 5)", new EnvelopeReader(2, 5), b);
    assertTooLarge("item #2 ('event') is 7 bytes (limit 6)", new EnvelopeReader(2, 6), b);
    assertTooLarge("envelope has more than 1 items", new EnvelopeReader(1, 100), b);
    assertTooLarge("item #1 ('event') is 5000000000 bytes (limit 100)", new EnvelopeReader(1, 100),
        "{}\n{\"type\":\"event\",\"length\":5000000000}\nx".getBytes(UTF_8));
  }

  private static void assertMalformed(String prefix, String input) {
    MalformedEnvelopeException e = assertThrows(MalformedEnvelopeException.class,
        () -> READER.read(input.getBytes(UTF_8)));
    assertTrue(e.getMessage().startsWith(prefix), "expected '" + prefix + "' but was '" + e.getMessage() + "'");
  }

  private static void assertTooLarge(String message, EnvelopeReader reader, byte[] input) {
    EnvelopeTooLargeException e = assertThrows(EnvelopeTooLargeException.class, () -> reader.read(input));
    assertEquals(message, e.getMessage());
  }

  private static List<String> types(EnvelopeReader.Parsed p) {
    return p.items().stream().map(EnvelopeReader.Item::type).toList();
  }

  private static String text(EnvelopeReader.Item item) {
    return new String(item.data(), item.offset(), item.length(), UTF_8);
  }
}
