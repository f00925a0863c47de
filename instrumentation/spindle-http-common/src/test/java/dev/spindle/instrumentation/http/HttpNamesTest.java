package dev.spindle.instrumentation.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HttpNamesTest {
  @Test
  void scrubUrlDropsUserInfoQueryAndFragment() {
    assertEquals("http://example.com:8080/a/b",
        HttpNames.scrubUrl("http://user:pw@example.com:8080/a/b?token=x#frag"));
    assertEquals("https://example.com/", HttpNames.scrubUrl("https://example.com/"));
    assertEquals("https://example.com", HttpNames.scrubUrl("https://example.com"));
    assertEquals("http://[::1]:9/x", HttpNames.scrubUrl("http://[::1]:9/x?y=1"));
  }

  @Test
  void scrubUrlOfUnparseableInputStillDropsSecrets() {
    assertEquals("http://host/a b", HttpNames.scrubUrl("http://me:secret@host/a b?q=1"));
    assertNull(HttpNames.scrubUrl(null));
  }

  @Test
  void scrubQueryFiltersSensitiveKeysAndSecretLookingValues() {
    assertEquals("page=2&token=[Filtered]&api_key=[Filtered]&Password=[Filtered]",
        HttpNames.scrubQuery("page=2&token=abc&api_key=k&Password=p"));
    assertEquals("q=[Filtered]", HttpNames.scrubQuery("q=Bearer%20abcdef"));
    assertEquals("jwt=[Filtered]",
        HttpNames.scrubQuery("jwt=eyJhbGciOiJI.eyJzdWIiOiIx.SflKxwRJSMeKKF2QT4"));
    assertEquals("card=[Filtered]", HttpNames.scrubQuery("card=4111111111111111"));
    assertEquals("flag&x=", HttpNames.scrubQuery("flag&x="));
    assertNull(HttpNames.scrubQuery(""));
  }

  @Test
  void scrubbedQueryOf() {
    assertEquals("a=1&secret=[Filtered]", HttpNames.scrubbedQueryOf("http://h/p?a=1&secret=s#f"));
    assertNull(HttpNames.scrubbedQueryOf("http://h/p"));
  }

  @Test
  void sanitizePathReplacesIdentifiers() {
    assertEquals("/users/*/orders/*", HttpNames.sanitizePath("/users/7/orders/2024-01-05"));
    assertEquals("/items/*", HttpNames.sanitizePath("/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    assertEquals("/blobs/*/raw", HttpNames.sanitizePath("/blobs/da39a3ee5e6b4b0d3255bfef95601890afd80709/raw"));
    assertEquals("/mem/*", HttpNames.sanitizePath("/mem/0x1f"));
    assertEquals("/api/v1/packages/", HttpNames.sanitizePath("/api/v1/packages/"));
    assertEquals("/search", HttpNames.sanitizePath("/search?q=1234"));
    assertEquals("/", HttpNames.sanitizePath(""));
    assertEquals("/", HttpNames.sanitizePath(null));
  }

  @Test
  void sanitizePathWithoutRegexNamesAsTheRulesWrittenAsRegexDo() {
    Pattern identifier = Pattern.compile("\\d+|.*\\d.*\\d.*"
        + "|(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?i)(0x[0-9a-f]+|[0-9a-f]{16,})");
    String alphabet = "0123456789abcdefxXABFgz-_/.\n\u2028é";
    Random random = new Random(11);
    for (int n = 0; n < 200_000; n++) {
      StringBuilder path = new StringBuilder("/");
      int length = random.nextInt(n % 3 == 0 ? 40 : 12);
      if (n % 5 == 0) path.append(java.util.UUID.randomUUID()).append('/');
      if (n % 7 == 0) path.append("0x");
      for (int i = 0; i < length; i++) path.append(alphabet.charAt(random.nextInt(alphabet.length())));
      StringBuilder expected = new StringBuilder();
      String[] segments = path.toString().split("/", -1);
      for (int i = 0; i < segments.length; i++) {
        if (i > 0) expected.append('/');
        String s = n % 11 == 0 ? segments[i].toUpperCase(java.util.Locale.ROOT) : segments[i];
        segments[i] = s;
        expected.append(!s.isEmpty() && identifier.matcher(s).matches() ? "*" : s);
      }
      String input = String.join("/", segments);
      assertEquals(expected.toString(), HttpNames.sanitizePath(input), input);
    }
    String plain = "/api/v1/items";
    assertSame(plain, HttpNames.sanitizePath(plain), "nothing replaced: the same string");
  }

  @Test
  void scrubUrlGivesPlainUrlsBackAsParsingThemWould() {
    String alphabet = "abcXYZ019.-:/@?#[]% _+é";
    Random random = new Random(5);
    for (int n = 0; n < 200_000; n++) {
      StringBuilder url = new StringBuilder(n % 4 == 0 ? "https" : n % 4 == 1 ? "h+1" : "http");
      url.append(n % 9 == 0 ? ":/" : "://");
      int length = random.nextInt(n % 2 == 0 ? 8 : 30);
      for (int i = 0; i < length; i++) {
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        url.append(n % 3 == 0 && "@?#[]% é".indexOf(c) >= 0 ? 'a' : c);
      }
      String u = url.toString();
      assertEquals(parsed(u), HttpNames.scrubUrl(u), u);
    }
    String plain = "http://127.0.0.1:8080/items/42";
    assertSame(plain, HttpNames.scrubUrl(plain));
  }

  /** scrubUrl as it was before its plain-URL shortcut: every URL parsed. */
  private static String parsed(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      if (u.getScheme() != null && u.getRawAuthority() != null) {
        StringBuilder b = new StringBuilder();
        b.append(u.getScheme()).append("://");
        if (u.getHost() != null) {
          b.append(u.getHost());
          if (u.getPort() != -1) b.append(':').append(u.getPort());
        } else {
          String a = u.getRawAuthority();
          b.append(a.substring(a.lastIndexOf('@') + 1));
        }
        if (u.getRawPath() != null) b.append(u.getRawPath());
        return b.toString();
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // textual
    }
    String s = url;
    int q = s.indexOf('?');
    int h = s.indexOf('#');
    int cut = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    if (cut >= 0) s = s.substring(0, cut);
    int scheme = s.indexOf("://");
    int authorityStart = scheme < 0 ? 0 : scheme + 3;
    int slash = s.indexOf('/', authorityStart);
    int authorityEnd = slash < 0 ? s.length() : slash;
    String authority = s.substring(authorityStart, authorityEnd);
    return s.substring(0, authorityStart) + authority.substring(authority.lastIndexOf('@') + 1)
        + s.substring(authorityEnd);
  }
}
