package dev.spindle.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  static final Instant SENT_AT = Instant.parse("2024-05-01T12:00:00.123456Z");

  @Test
  void serializesExactFormat() {
    Envelope e = Envelope.builder()
        .eventId("9ec79c33ec9942ab8353589fcb2e04dc")
        .dsn("https://k@o.example/1")
        .sdk("spindle.java", "0.1.0")
        .traceJson("{\"trace_id\":\"771a43a4192642f0b136d5159a501700\",\"sample_rate\":\"1\"}")
        .addItem("transaction", "application/json", "{\"a\":1}".getBytes(UTF_8))
        .addItem("attachment", "héllo".getBytes(UTF_8))
        .build();
    String expected = "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\","
        + "\"dsn\":\"https://k@o.example/1\","
        + "\"sdk\":{\"name\":\"spindle.java\",\"version\":\"0.1.0\"},"
        + "\"sent_at\":\"2024-05-01T12:00:00.123Z\","
        + "\"trace\":{\"trace_id\":\"771a43a4192642f0b136d5159a501700\",\"sample_rate\":\"1\"}}\n"
        + "{\"type\":\"transaction\",\"content_type\":\"application/json\",\"length\":7}\n"
        + "{\"a\":1}\n"
        + "{\"type\":\"attachment\",\"length\":6}\n"
        + "héllo";
    assertEquals(expected, new String(e.serialize(SENT_AT), UTF_8));
  }

  @Test
  void roundTripWithBinaryPayloadsContainingNewlines() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) binary[i] = (byte) i; // includes '\n' and 0
    Envelope e = Envelope.builder()
        .eventId("0123456789abcdef0123456789abcdef")
        .sdk("n", "v")
        .traceJson("{\"trace_id\":\"x\",\"public_key\":\"k\"}")
        .addItem("attachment", "application/octet-stream", binary)
        .addItem("event", "\n\n".getBytes(UTF_8))
        .addItem("span", new byte[0])
        .build();
    Envelope back = Envelope.parse(e.serialize(SENT_AT));
    assertEquals("0123456789abcdef0123456789abcdef", back.eventId());
    assertEquals("n", back.sdkName());
    assertEquals("v", back.sdkVersion());
    assertEquals("{\"trace_id\":\"x\",\"public_key\":\"k\"}", back.traceJson());
    assertEquals(3, back.items().size());
    assertArrayEquals(binary, back.items().get(0).payload());
    assertEquals("application/octet-stream", back.items().get(0).contentType());
    assertArrayEquals("\n\n".getBytes(UTF_8), back.items().get(1).payload());
    assertEquals(0, back.items().get(2).length());
    // serializing the parsed envelope gives the same bytes
    assertArrayEquals(e.serialize(SENT_AT), back.serialize(SENT_AT));
  }

  @Test
  void parseRefusesMalformedFramingWithTheReadersMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Envelope.parse("{}\n{\"type\":\"event\",\"length\":10}\nabc".getBytes(UTF_8)));
    assertEquals("item #1 ('event'): length 10 runs past the end of the envelope (3 bytes left)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Envelope.parse("{\"event_id\":1}".getBytes(UTF_8)));
  }

  @Test
  void dataCategories() {
    Envelope e = Envelope.builder()
        .addItem("transaction", new byte[0])
        .addItem("event", new byte[0])
        .addItem("span", new byte[0])
        .addItem("client_report", new byte[0])
        .addItem("attachment", new byte[0])
        .build();
    assertEquals("transaction", e.items().get(0).dataCategory());
    assertEquals("error", e.items().get(1).dataCategory());
    assertEquals("span", e.items().get(2).dataCategory());
    assertNull(e.items().get(3).dataCategory());
    assertEquals("default", e.items().get(4).dataCategory());
  }

  @Test
  void isImmutable() {
    byte[] payload = {1, 2, 3};
    Envelope e = Envelope.builder().addItem("event", payload).build();
    payload[0] = 9;
    e.items().get(0).payload()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, e.items().get(0).payload());
    assertThrows(UnsupportedOperationException.class, () -> e.items().clear());
  }

  @Test
  void traceJsonIsKeptOnOneLine() {
    Envelope e = Envelope.builder().traceJson("{\n \"trace_id\": \"a\"\r\n}").build();
    String header = new String(e.serialize(SENT_AT), UTF_8);
    assertTrue(header.endsWith("\"trace\":{  \"trace_id\": \"a\"  }}"), header);
    assertEquals(-1, header.indexOf('\n'));
    assertThrows(IllegalArgumentException.class, () -> Envelope.builder().traceJson("[1]"));
  }
}
