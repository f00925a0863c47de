package dev.spindle.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pre-checks that skip patterns must never change what is scrubbed. */
class ScrubberTest {
  // The patterns applied unconditionally, in order: the reference the fast path must agree with.
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN[A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END[A-Z ]*PRIVATE KEY-----");
  private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]+");
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s:@]+:[^/\\s@]+@");
  private static final Pattern SSN = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
  private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b");
  private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");

  private static String reference(String s) {
    String r = PEM.matcher(s).replaceAll("[Filtered]");
    r = BEARER.matcher(r).replaceAll("Bearer " + Matcher.quoteReplacement("[Filtered]"));
    r = URL_CREDENTIALS.matcher(r).replaceAll("$1" + Matcher.quoteReplacement("[Filtered]:[Filtered]@"));
    r = SSN.matcher(r).replaceAll("[Filtered]");
    r = IBAN.matcher(r).replaceAll("[Filtered]");
    Matcher m = CARD.matcher(r);
    StringBuilder b = new StringBuilder();
    int last = 0;
    boolean any = false;
    while (m.find()) {
      String g = m.group();
      int sum = 0, n = 0;
      boolean alt = false;
      for (int i = g.length() - 1; i >= 0; i--) {
        char c = g.charAt(i);
        if (c < '0' || c > '9') continue;
        int d = c - '0';
        if (alt) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
        alt = !alt;
        n++;
      }
      if (n < 13 || n > 19 || sum % 10 != 0) continue;
      any = true;
      b.append(r, last, m.start()).append("[Filtered]");
      last = m.end();
    }
    return any ? b.append(r, last, r.length()).toString() : r;
  }

  @Test
  void agreesWithThePatternsOnGeneratedText() {
    String[] parts = {"SELECT * FROM t WHERE id = ?", " ", "4111 1111 1111 1111", "4111-1111-1111-1112",
        "078-05-1120", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "bEaReR abc.def",
        "BEARER", "Bearer", "https://u:p@host/x", "http://host/x@y", "://", "@", "-----BEGIN RSA PRIVATE KEY-----",
        "MIIE", "-----END RSA PRIVATE KEY-----", "12", "3", "GB", "1234567890123", "4242424242424242",
        "\n", "é", "orders:*", "http-nio-8080-exec-1", "[Filtered]"};
    Random rnd = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + rnd.nextInt(6);
      for (int k = 0; k < n; k++) b.append(parts[rnd.nextInt(parts.length)]);
      String s = b.toString();
      assertEquals(reference(s), Scrubber.scrubText(s), s);
    }
  }

  @Test
  void mixedCaseBearerAndShortCardsAreStillFound() {
    assertEquals("x bEaReR [Filtered]", Scrubber.scrubText("x bEaReR abc").replace("Bearer", "bEaReR"));
    assertEquals("[Filtered]", Scrubber.scrubText("4222222222222"), "13 digits, Luhn-valid");
    assertEquals("no digits here", Scrubber.scrubText("no digits here"));
  }

  @Test
  void sensitiveKeysAreAnsweredTheSameFromTheCache() {
    for (int i = 0; i < 3; i++) {
      assertTrue(Scrubber.sensitiveKey("X-Api-Key"));
      assertTrue(Scrubber.sensitiveKey("sessionId"));
      assertFalse(Scrubber.sensitiveKey("thread.name"));
      assertFalse(Scrubber.sensitiveKey(null));
    }
  }
}
