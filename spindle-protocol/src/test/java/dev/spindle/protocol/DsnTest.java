package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DsnTest {

  @Test
  void parsesFullDsn() {
    Dsn dsn = Dsn.parse("https://abc:def@Sentry.Example.com:9000/base/path/42");
    assertEquals("https", dsn.scheme());
    assertEquals("abc", dsn.publicKey());
    assertEquals("def", dsn.secretKey());
    assertEquals("sentry.example.com", dsn.host());
    assertEquals(9000, dsn.port());
    assertEquals("/base/path", dsn.path());
    assertEquals("42", dsn.projectId());
    assertEquals(URI.create("https://sentry.example.com:9000/base/path/api/42/envelope/"),
        dsn.envelopeUri());
    assertEquals(URI.create(
        "https://sentry.example.com:9000/base/path/api/42/integration/otlp/v1/traces"),
        dsn.otlpTracesUri());
  }

  @Test
  void parsesMinimalDsn() {
    Dsn dsn = Dsn.parse("http://key@localhost/7");
    assertNull(dsn.secretKey());
    assertEquals(-1, dsn.port());
    assertEquals("", dsn.path());
    assertEquals(URI.create("http://localhost/api/7/envelope/"), dsn.envelopeUri());
  }

  @Test
  void trailingSlashAfterProjectIsTolerated() {
    assertEquals("7", Dsn.parse("http://key@localhost/7/").projectId());
  }

  @Test
  void authHeader() {
    assertEquals("Sentry sentry_version=7, sentry_client=spindle.java/1.2, sentry_key=abc",
        Dsn.parse("https://abc@o.example/1").authHeader("spindle.java/1.2"));
    assertEquals(
        "Sentry sentry_version=7, sentry_client=x/1, sentry_key=abc, sentry_secret=s3",
        Dsn.parse("https://abc:s3@o.example/1").authHeader("x/1"));
  }

  @Test
  void isIngestUrl() {
    Dsn dsn = Dsn.parse("https://abc@ingest.example.com/sub/42");
    assertTrue(dsn.isIngestUrl("https://ingest.example.com/sub/api/42/envelope/"));
    assertTrue(dsn.isIngestUrl("https://INGEST.example.com:443/sub/api/99/store/?x=1"));
    assertFalse(dsn.isIngestUrl("https://ingest.example.com:8443/sub/api/42/envelope/"));
    assertFalse(dsn.isIngestUrl("https://ingest.example.com/other/api/42/envelope/"));
    assertFalse(dsn.isIngestUrl("https://ingest.example.com/sub/orders"));
    assertFalse(dsn.isIngestUrl("https://ingest.example.com/sub/api/v1/traces"), "not a project's ingest path");
    assertFalse(dsn.isIngestUrl("https://ingest.example.com/sub/api/42"));
    assertFalse(dsn.isIngestUrl("https://api.example.com/sub/api/42/envelope/"));
    assertFalse(dsn.isIngestUrl("http://[bad"));
    assertFalse(dsn.isIngestUrl(null));
    Dsn local = Dsn.parse("http://k@127.0.0.1:8080/1");
    assertTrue(local.isIngestUrl("http://127.0.0.1:8080/api/1/envelope/"));
    assertFalse(local.isIngestUrl("http://127.0.0.1/api/1/envelope/"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|dsn: empty",
      "localhost/42|dsn: missing scheme",
      "ftp://k@host/1|dsn: scheme 'ftp' (expected: http or https)",
      "http://host/1|dsn: missing public key",
      "http://:secret@host/1|dsn: empty public key",
      "http://k@/1|dsn: missing or invalid host",
      "http://k@host|dsn: missing project id",
      "http://k@host/|dsn: missing project id",
      "http://k@host/1?x=y|dsn: unexpected query or fragment",
      "http://k@ho st/1|dsn: not a valid URI",
      "http:k@host/1|dsn: missing '//' after scheme",
  })
  void rejectsBadDsnWithPreciseMessage(String input, String expectedPrefix) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dsn.parse(input));
    assertTrue(e.getMessage().startsWith(expectedPrefix), e.getMessage());
  }

  @Test
  void errorMessageDoesNotLeakSecret() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dsn.parse("http://key:topsecret@host"));
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
    IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
        () -> Dsn.parse("http://key:topsecret@ho st/1"));
    // The reason and index come from java.net.URI; the index differs between JDK versions.
    assertTrue(invalid.getMessage().matches("dsn: not a valid URI: Illegal character in \\w+ at index \\d+"),
        invalid.getMessage());
    assertFalse(invalid.getMessage().contains("topsecret"), invalid.getMessage());
  }

  @Test
  void toStringMasksTheSecret() {
    assertEquals("https://abc:***@o.example/1", Dsn.parse("https://abc:s3@o.example/1").toString());
    assertEquals("https://abc@o.example/1", Dsn.parse("https://abc@o.example/1").toString());
  }

  @Test
  void rejectsNull() {
    assertThrows(NullPointerException.class, () -> Dsn.parse(null));
  }
}
