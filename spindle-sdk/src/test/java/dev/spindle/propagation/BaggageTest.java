package dev.spindle.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaggageTest {

  @Test
  void parsesSentryAndThirdPartyMembers() {
    Baggage b = Baggage.parse(
        "other-vendor-value-1=foo;bar;baz, sentry-trace_id=771a43a4192642f0b136d5159a501700,"
            + "sentry-public_key=49d0f7386ad645858ae85020e393bef3, sentry-sample_rate=0.01337,"
            + "sentry-user_id=Am%C3%A9lie, other-vendor-value-2=foo;bar;");
    assertEquals(6, b.members().size());
    assertTrue(b.hasSentryMembers());
    assertEquals(List.of("other-vendor-value-1=foo;bar;baz", "other-vendor-value-2=foo;bar;"),
        b.thirdPartyMembers());
    Map<String, String> sentry = b.sentryValues();
    assertEquals("771a43a4192642f0b136d5159a501700", sentry.get("trace_id"));
    assertEquals("49d0f7386ad645858ae85020e393bef3", sentry.get("public_key"));
    assertEquals("0.01337", sentry.get("sample_rate"));
    assertEquals("Am\u00e9lie", sentry.get("user_id"));
    assertEquals(List.of("trace_id", "public_key", "sample_rate", "user_id"),
        new ArrayList<>(sentry.keySet()));
    assertEquals("Am\u00e9lie", b.get("sentry-user_id"));
    assertEquals("foo", b.get("other-vendor-value-1"));
    assertNull(b.get("missing"));
  }

  @Test
  void memberParts() {
    Baggage.Member m = Baggage.parse(" k1 = v%201 ; p1 ; p2 = x ").members().get(0);
    assertEquals("k1", m.key());
    assertEquals("v%201", m.rawValue());
    assertEquals("v 1", m.value());
    assertEquals("p1 ; p2 = x", m.properties());
    assertEquals("k1 = v%201 ; p1 ; p2 = x", m.toString());
    assertFalse(m.isSentry());
  }

  @Test
  void combinesSeveralHeaders() {
    Baggage b = Baggage.parse(List.of("a=1", "sentry-release=2.0,b=2"));
    assertEquals("a=1,sentry-release=2.0,b=2", b.value());
    assertEquals("2.0", b.sentryValues().get("release"));
    assertEquals(List.of("a=1", "b=2"), b.thirdPartyMembers());
  }

  @Test
  void emptyAndAbsent() {
    assertSame(Baggage.EMPTY, Baggage.parse((String) null));
    assertSame(Baggage.EMPTY, Baggage.parse(""));
    assertSame(Baggage.EMPTY, Baggage.parse((List<String>) null));
    assertSame(Baggage.EMPTY, Baggage.parse(List.of()));
    assertSame(Baggage.EMPTY, Baggage.parse(" , ,, "));
    assertSame(Baggage.EMPTY, Baggage.parse(Arrays.asList((String) null)));
    assertTrue(Baggage.EMPTY.isEmpty());
    assertFalse(Baggage.EMPTY.hasSentryMembers());
    assertEquals("", Baggage.EMPTY.value());
  }

  @Test
  void emptyValueIsAllowed() {
    Baggage b = Baggage.parse("a=,b=2");
    assertEquals("", b.get("a"));
    assertEquals("2", b.get("b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "novalue",
      "=value",
      " = value",
      "key with space=1",
      "k(ey)=1",
      "k\u00e9y=1",
      "key=val ue",
      "key=\"quoted\"",
      "key=back\\slash",
      "key=caf\u00e9",
      "key=tab\there",
      "key=1;=p",
      "key=1;p=a b",
      "key=1;p q",
      "k;ey=1",
  })
  void malformedMembersAreDroppedAlone(String bad) {
    Baggage b = Baggage.parse("before=1," + bad + ",after=2");
    assertEquals("before=1,after=2", b.value(), bad);
  }

  @Test
  void emptyPropertiesAreTolerated() {
    Baggage b = Baggage.parse("a=1;,b=2;;p=3 ; ,c=3");
    assertEquals("a=1;,b=2;;p=3 ;,c=3", b.value());
    assertEquals("2", b.get("b"));
  }

  @Test
  void repeatedKeyLastWins() {
    Baggage b = Baggage.parse("sentry-release=1,k=a,sentry-release=2,k=b");
    assertEquals("2", b.sentryValues().get("release"));
    assertEquals("b", b.get("k"));
  }

  @Test
  void parseKeepsAtMost64Members() {
    Baggage b = Baggage.parse(members("k", 65));
    assertEquals(64, b.members().size());
    assertNull(b.get("k64"));
    assertEquals("v63", b.get("k63"));
  }

  @Test
  void parsePrefersSentryMembersWhenOverTheLimit() {
    Baggage b = Baggage.parse(members("k", 64) + ",sentry-trace_id=abc,sentry-sampled=true");
    assertEquals(64, b.members().size());
    assertEquals("abc", b.sentryValues().get("trace_id"));
    assertEquals("true", b.sentryValues().get("sampled"));
    assertEquals(62, b.thirdPartyMembers().size());
    assertNull(b.get("k62"));
    // order of the kept members is the order received
    assertEquals("k0=v0", b.members().get(0).toString());
    assertEquals("sentry-sampled=true", b.members().get(63).toString());
  }

  @Test
  void parseKeepsAtMost8192Bytes() {
    String big = "a".repeat(8000);
    Baggage b = Baggage.parse("x=" + big + ",y=" + "b".repeat(500) + ",z=1");
    // y would overflow; it is dropped on its own and the small z still fits
    assertEquals(List.of("x=" + big, "z=1"), b.thirdPartyMembers());
    assertTrue(Baggage.utf8Length(b.value()) <= Baggage.MAX_BYTES);
  }

  @Test
  void aSingleMemberOver8192BytesIsDropped() {
    assertTrue(Baggage.parse("x=" + "a".repeat(8191)).isEmpty());
    assertEquals(1, Baggage.parse("x=" + "a".repeat(8190)).members().size());
  }

  @Test
  void exactly8192BytesFit() {
    String m1 = "a=" + "x".repeat(4093); // 4095 bytes
    String m2 = "b=" + "y".repeat(4094); // 4096 bytes
    String header = m1 + "," + m2;
    assertEquals(8192, header.length());
    assertEquals(header, Baggage.parse(header).value());
    assertEquals(header, Baggage.format(List.of(), List.of(m1, m2)));
    assertEquals(m1, Baggage.format(List.of(), List.of(m1, m2 + "y")));
  }

  @Test
  void encodeKeepsUnreservedAndEncodesTheRest() {
    assertEquals("abcXYZ019-._~", Baggage.encode("abcXYZ019-._~"));
    assertEquals("GET%20%2Fapi%2Fusers%2F%7Bid%7D", Baggage.encode("GET /api/users/{id}"));
    assertEquals("a%2Bb%2Cc%3Bd%3De%25f%22g%5Ch", Baggage.encode("a+b,c;d=e%f\"g\\h"));
    assertEquals("Am%C3%A9lie", Baggage.encode("Am\u00e9lie"));
    assertEquals("%F0%9F%98%80", Baggage.encode("\uD83D\uDE00"));
    assertEquals("", Baggage.encode(""));
    assertNull(Baggage.encode(null));
  }

  @Test
  void decode() {
    assertEquals("GET /api", Baggage.decode("GET%20%2fapi"));
    assertEquals("a+b", Baggage.decode("a+b"));
    assertEquals("100%", Baggage.decode("100%"));
    assertEquals("%zz%4", Baggage.decode("%zz%4"));
    assertEquals("\u00e9", Baggage.decode("%c3%a9"));
    assertEquals("\uFFFD", Baggage.decode("%C3"));
    assertEquals("\u00e9 \u00e9", Baggage.decode("\u00e9%20\u00e9"));
    assertNull(Baggage.decode(null));
  }

  @Test
  void percentEncodingRoundTrips() {
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(20);
      for (int j = 0; j < len; j++) {
        int cp;
        switch (random.nextInt(4)) {
          case 0: cp = 0x20 + random.nextInt(0x5f); break; // printable ASCII
          case 1: cp = random.nextInt(0x20); break; // control
          case 2: cp = 0xa0 + random.nextInt(0xd000); break; // BMP below surrogates
          default: cp = 0x10000 + random.nextInt(0x10000); break; // supplementary
        }
        sb.appendCodePoint(cp);
      }
      String s = sb.toString();
      String encoded = Baggage.encode(s);
      assertEquals(s, Baggage.decode(encoded), s);
      // always a valid baggage value that survives parsing
      Baggage parsed = Baggage.parse("sentry-x=" + encoded);
      assertEquals(s, parsed.sentryValues().get("x"), s);
      assertEquals(encoded.getBytes(StandardCharsets.UTF_8).length, encoded.length());
    }
  }

  @Test
  void sentryKeysAreDecoded() {
    assertEquals("v", Baggage.parse("sentry-my%20key=v").sentryValues().get("my key"));
  }

  @Test
  void formatPutsSentryMembersFirst() {
    assertEquals("sentry-a=1,sentry-b=2,x=1,y=2;p",
        Baggage.format(List.of("sentry-a=1", "sentry-b=2"), List.of("x=1", "y=2;p")));
    assertNull(Baggage.format(List.of(), List.of()));
    assertNull(Baggage.format(null, null));
    assertEquals("x=1", Baggage.format(null, Arrays.asList("", null, "x=1")));
  }

  @Test
  void formatDropsThirdPartyMembersBeforeSentryOnesAtTheMemberLimit() {
    List<String> sentry = List.of("sentry-trace_id=abc", "sentry-sampled=true");
    List<String> others = new ArrayList<>();
    for (int i = 0; i < 64; i++) others.add("k" + i + "=v" + i);
    String header = Baggage.format(sentry, others);
    Baggage b = Baggage.parse(header);
    assertEquals(64, b.members().size());
    assertEquals(2, b.sentryValues().size());
    assertEquals(62, b.thirdPartyMembers().size());
    assertTrue(header.startsWith("sentry-trace_id=abc,sentry-sampled=true,k0=v0,"));
    assertTrue(header.endsWith(",k61=v61"));
  }

  @Test
  void formatDropsThirdPartyMembersThatOverflowBytes() {
    List<String> sentry = List.of("sentry-release=" + "r".repeat(100));
    String huge = "huge=" + "h".repeat(8100);
    String header = Baggage.format(sentry, List.of("a=1", huge, "b=2"));
    assertEquals(sentry.get(0) + ",a=1,b=2", header);
  }

  @Test
  void mergeKeepsThirdPartyMembersAndReplacesSentryOnes() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder()
        .traceId("771a43a4192642f0b136d5159a501700")
        .release("my app@1.0")
        .build();
    String merged = Baggage.mergeInto(
        "vendor=1;prop, sentry-trace_id=00000000000000000000000000000001, sentry-release=old,"
            + "other=x",
        dsc);
    assertEquals("sentry-trace_id=771a43a4192642f0b136d5159a501700,"
        + "sentry-release=my%20app%401.0,vendor=1;prop,other=x", merged);
  }

  @Test
  void mergeWithoutExistingHeaderOrDsc() {
    DynamicSamplingContext dsc = DynamicSamplingContext.builder().release("1").build();
    assertEquals("sentry-release=1", Baggage.mergeInto(null, dsc));
    assertEquals("sentry-release=1", Baggage.mergeInto("", dsc));
    assertEquals("a=1", Baggage.mergeInto("a=1,sentry-release=stale", null));
    assertNull(Baggage.mergeInto("sentry-release=stale", null));
    assertNull(Baggage.mergeInto(null, null));
    assertEquals("sentry-release=1", Baggage.mergeInto("garbage", dsc));
  }

  @Test
  void neverThrowsOnGarbage() {
    Random random = new Random(7);
    String alphabet = "ab=;,% \t\"\\\u00e9\u0000sentry-9";
    for (int i = 0; i < 5000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(40);
      for (int j = 0; j < len; j++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      Baggage b = Baggage.parse(sb.toString());
      b.sentryValues();
      b.thirdPartyMembers();
      // whatever survived re-parses to itself
      assertEquals(b.value(), Baggage.parse(b.value()).value());
    }
  }

  static String members(String prefix, int n) {
    List<String> m = new ArrayList<>();
    for (int i = 0; i < n; i++) m.add(prefix + i + "=v" + i);
    return String.join(",", m);
  }
}
