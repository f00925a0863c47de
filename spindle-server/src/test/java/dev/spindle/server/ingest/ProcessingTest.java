package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.SpanRow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names, scrubbing, timestamps and envelope framing. */
class ProcessingTest {
  static JsonNode json(String s) {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8), 0, s.length(), "test");
  }

  /** Maps a transaction item's JSON, as the envelope handler does (no envelope event id, DSC rate 1). */
  static String transaction(SentryMapper m, String item) {
    byte[] b = item.getBytes(StandardCharsets.UTF_8);
    return m.transaction(b, 0, b.length, null, EnvelopeDsc.NONE);
  }

  private static String sanitize(String name) {
    return TransactionNames.sanitize(name, "url").name();
  }

  @Test
  void transactionNames() {
    assertEquals("GET /users/*/orders", sanitize("GET /users/12345/orders"));
    assertEquals("/files/*", sanitize("/files/3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    assertEquals("/commits/*", sanitize("/commits/da39a3ee5e6b4b0d3255bfef95601890afd80709"));
    assertEquals("/blobs/*", sanitize("/blobs/abcdefabcdefabcdefabcdefabcdefab"));
    assertEquals("/reports/*/summary", sanitize("/reports/2024-05-01/summary"));
    assertEquals("/mem/*", sanitize("/mem/0xdeadbeef"));
    assertEquals("/api/v1/items", sanitize("/api/v1/items"), "one digit is not an id");
    assertEquals("/search?q=123", sanitize("/search?q=123"), "the query string is not a path");
    TransactionNames.Named n = TransactionNames.sanitize("GET /users/12345", "url");
    assertEquals("sanitized", n.source());
    assertEquals("url", TransactionNames.sanitize("GET /users", "url").source());
    assertEquals("GET /users/12345", TransactionNames.sanitize("GET /users/12345", "route").name(), "routes are kept");
    assertEquals("order 123456", TransactionNames.sanitize("order 123456", "custom").name());
    assertNull(TransactionNames.sanitize(null, "url").name());
  }

  @Test
  void scrubbing() {
    assertEquals("pay [Filtered] now", Scrubber.scrubText("pay 4111-1111-1111-1111 now"));
    assertEquals("order 1234567890123 ok", Scrubber.scrubText("order 1234567890123 ok"), "fails Luhn: not a card");
    assertEquals("ssn [Filtered]", Scrubber.scrubText("ssn 078-05-1120"));
    assertEquals("iban [Filtered]", Scrubber.scrubText("iban DE89370400440532013000"));
    assertEquals("Authorization: Bearer [Filtered]", Scrubber.scrubText("Authorization: Bearer eyJhbGciOi.abc.def"));
    assertEquals("postgres://[Filtered]:[Filtered]@db:5432/x", Scrubber.scrubText("postgres://admin:hunter2@db:5432/x"));
    assertEquals("key [Filtered] end", Scrubber.scrubText("key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- end"));
    JsonNode tree = json("{\"password\":\"p\",\"nested\":{\"apiKey\":\"k\",\"list\":[\"Bearer abc\"]},"
        + "\"headers\":[[\"Cookie\",\"sessionid=1\"],[\"Accept\",\"*/*\"]],\"count\":3}");
    Scrubber.scrubTree(tree);
    assertEquals("{\"password\":\"[Filtered]\",\"nested\":{\"apiKey\":\"[Filtered]\",\"list\":[\"Bearer [Filtered]\"]},"
        + "\"headers\":[[\"Cookie\",\"[Filtered]\"],[\"Accept\",\"*/*\"]],\"count\":3}", Json.text(tree));
  }

  @Test
  void timestamps() {
    assertEquals(1_700_000_000_500_000L, Timestamps.micros(json("1700000000.5")));
    assertEquals(1_700_000_000_123_456L, Timestamps.micros(json("\"2023-11-14T22:13:20.123456Z\"")));
    assertEquals(1_700_000_000_000_000L, Timestamps.micros(json("\"2023-11-14T23:13:20+01:00\"")));
    assertEquals(1_700_000_000_000_000L, Timestamps.micros(json("\"2023-11-14T22:13:20\"")), "no zone is UTC");
    assertNull(Timestamps.micros(json("\"yesterday\"")));
    assertNull(Timestamps.micros(json("-1")));
    assertNull(Timestamps.micros(json("1e300")));
    assertNull(Timestamps.micros(json("{}")));
  }

  @Test
  void sentryIdsAreNormalizedAndCheckedInOnePass() {
    String trace = "4BF92F3577B34DA6A3CE929D0E0E4736";
    SentryMapper m = new SentryMapper(1, false, 1_700_000_000_000_000L, TransactionNames.FIXED);
    String id = transaction(m, "{\"event_id\":\"9EC79C33-EC99-42AB-8353-589FCB2E04DC\","
        + "\"start_timestamp\":1700000000,\"timestamp\":1700000001,\"contexts\":{\"trace\":{"
        + "\"trace_id\":\"" + trace + "\",\"span_id\":\"00F067AA0BA902B7\","
        + "\"parent_span_id\":\"0000000000000000\",\"status\":\"Error\"}},\"spans\":["
        + "{\"span_id\":\"00000000000000AB\",\"trace_id\":\"" + trace + "\",\"start_timestamp\":1700000000,\"timestamp\":1700000001},"
        + "{\"span_id\":\"0000000000000000\",\"start_timestamp\":1700000000,\"timestamp\":1700000001}]}");
    m.finish();
    assertEquals("9ec79c33ec9942ab8353589fcb2e04dc", id);
    assertEquals(2, m.spans.size(), "the all-zero child span id is dropped");
    SpanRow root = m.spans.get(0);
    assertEquals(trace.toLowerCase(java.util.Locale.ROOT), root.traceId());
    assertEquals("00f067aa0ba902b7", root.spanId());
    assertNull(root.parentSpanId(), "an all-zero parent is no parent");
    assertEquals("internal_error", root.status());
    assertEquals("00000000000000ab", m.spans.get(1).spanId());
    assertEquals("00f067aa0ba902b7", m.spans.get(1).parentSpanId());
    assertEquals(List.of(new ClientReportRow(1, 1_700_000_000_000_000L, "invalid_id", "span", 1)), m.reports);
    IngestException e = assertThrows(IngestException.class, () -> transaction(m, "{\"event_id\":\"" + "1".repeat(32)
        + "\",\"start_timestamp\":1,\"timestamp\":2,\"contexts\":{\"trace\":{\"trace_id\":\"" + "0".repeat(32)
        + "\",\"span_id\":\"00f067aa0ba902b7\"}}}"));
    assertEquals("transaction: invalid contexts.trace.trace_id '" + "0".repeat(32) + "'", e.getMessage());
  }

  @Test
  void sentryAuthHeader() {
    assertEquals("abc", SentryAuth.keyFromHeader("Sentry sentry_version=7, sentry_client=x/1, sentry_key=abc"));
    assertEquals("abc", SentryAuth.keyFromHeader("sentry_key=abc,sentry_version=7"));
    assertNull(SentryAuth.keyFromHeader("Sentry sentry_version=7"));
  }
}
