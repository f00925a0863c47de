package dev.spindle.propagation;

import dev.spindle.internal.propagation.Tracestate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TracestateTest {

  @Test
  void parsesMembersInOrder() {
    Tracestate ts = Tracestate.parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assertEquals(2, ts.size());
    assertEquals(List.of("rojo", "congo"), ts.keys());
    assertEquals("00f067aa0ba902b7", ts.get("rojo"));
    assertEquals("t61rcWkgMzE", ts.get("congo"));
    assertNull(ts.get("other"));
    assertEquals("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", ts.value());
  }

  @Test
  void forwardGivesWhatParseWritesAndTheHeaderItselfWhenAlreadySo() {
    String canonical = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,t@sys=a b";
    assertSame(canonical, Tracestate.forward(canonical));
    assertSame(canonical, Tracestate.forward(List.of(canonical)));
    for (String value : new String[] {" a=1", "a=1 ", "a=1,,b=2", "a=1,", ",a=1", "a=1,b=2,a=3",
        "ab=1,a=2", "a=1,ab=2", "a=1\t", "A=1", "a=", "a=1,b", "a=x=y", "", "a=1,b=2"}) {
      Tracestate parsed = Tracestate.parse(value);
      assertEquals(parsed == null ? null : parsed.value(), Tracestate.forward(value), value);
    }
    StringBuilder many = new StringBuilder("k0=v");
    for (int i = 1; i <= Tracestate.MAX_MEMBERS; i++) many.append(",k").append(i).append("=v");
    assertNull(Tracestate.forward(many.toString()), "33 members");
    assertEquals("a=1,b=2", Tracestate.forward(List.of("a=1", "b=2")));
    assertEquals("", Tracestate.forward((String) null));
    assertEquals("", Tracestate.forward(List.of()));
  }

  @Test
  void combinesSeveralHeaders() {
    Tracestate ts = Tracestate.parse(List.of("foo=1", "bar=2,baz=3"));
    assertEquals("foo=1,bar=2,baz=3", ts.value());
  }

  @Test
  void emptyMembersAndWhitespaceAreSkipped() {
    Tracestate ts = Tracestate.parse(" ,foo=1 ,\t, \tbar=2\t,,");
    assertEquals("foo=1,bar=2", ts.value());
  }

  @Test
  void emptyOrAbsentIsEmpty() {
    assertSame(Tracestate.EMPTY, Tracestate.parse(""));
    assertSame(Tracestate.EMPTY, Tracestate.parse(" , ,"));
    assertSame(Tracestate.EMPTY, Tracestate.parse((String) null));
    assertSame(Tracestate.EMPTY, Tracestate.parse((List<String>) null));
    assertSame(Tracestate.EMPTY, Tracestate.parse(List.of()));
    assertSame(Tracestate.EMPTY, Tracestate.parse(Arrays.asList((String) null)));
    assertTrue(Tracestate.EMPTY.isEmpty());
    assertEquals("", Tracestate.EMPTY.value());
  }

  @Test
  void thirtyTwoMembersAreKept() {
    Tracestate ts = Tracestate.parse(members(32));
    assertEquals(32, ts.size());
  }

  @Test
  void thirtyThreeMembersMakeItInvalid() {
    assertNull(Tracestate.parse(members(33)));
  }

  @Test
  void thirtyThreeMembersAcrossHeadersMakeItInvalid() {
    assertNull(Tracestate.parse(List.of(members(16), members(17).replace("k", "j"))));
  }

  @Test
  void emptyMembersDoNotCountTowardsTheLimit() {
    assertEquals(32, Tracestate.parse(members(32).replace(",", ",,")).size());
  }

  @Test
  void repeatedKeysKeepTheFirstMember() {
    assertEquals("foo=1,bar=2", Tracestate.parse("foo=1,bar=2,foo=3").value());
    assertEquals("foo=1", Tracestate.parse(List.of("foo=1", "foo=1")).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "a",
      "a0",
      "abc_-*/def",
      "0@system",
      "tenant@s",
      "t_-*/x@sys-_*/9",
  })
  void validKeys(String key) {
    assertTrue(Tracestate.isValidKey(key), key);
    assertEquals("1", Tracestate.parse(key + "=1").get(key));
  }

  @Test
  void keyLengthLimits() {
    assertTrue(Tracestate.isValidKey("a".repeat(256)));
    assertFalse(Tracestate.isValidKey("a".repeat(257)));
    assertTrue(Tracestate.isValidKey("t".repeat(241) + "@" + "s".repeat(14)));
    assertTrue(Tracestate.isValidKey("t".repeat(242) + "@s"), "Level 2 drops the tenant/system limits");
    assertTrue(Tracestate.isValidKey("t@" + "s".repeat(15)));
    assertFalse(Tracestate.isValidKey("t@" + "s".repeat(255)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "A", "Foo", "_a", "a b", "a.b", "a=b", "@a", "a@B", "_a@b", "a\u00e9", "a+b",
  })
  void invalidKeys(String key) {
    assertFalse(Tracestate.isValidKey(key), key);
  }

  @Test
  void valueRules() {
    assertTrue(Tracestate.isValidValue("x"));
    assertTrue(Tracestate.isValidValue(" leading space is allowed"));
    assertTrue(Tracestate.isValidValue("!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~"));
    assertTrue(Tracestate.isValidValue("v".repeat(256)));
    assertFalse(Tracestate.isValidValue("v".repeat(257)));
    assertFalse(Tracestate.isValidValue(""));
    assertFalse(Tracestate.isValidValue("trailing "));
    assertFalse(Tracestate.isValidValue("a=b"));
    assertFalse(Tracestate.isValidValue("a,b"));
    assertFalse(Tracestate.isValidValue("tab\there"));
    assertFalse(Tracestate.isValidValue("caf\u00e9"));
    assertFalse(Tracestate.isValidValue("del\u007f"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "foo",
      "foo=",
      "=bar",
      "foo=1,bar",
      "Foo=1",
      "foo=1,BAR=2",
      "foo=1=2",
      "foo =1",
      "foo= ",
      "foo=a\u00e9",
      "foo=1;bar=2",
      "@foo=1",
      "foo\u0000=1",
  })
  void anyInvalidMemberInvalidatesTheList(String header) {
    assertNull(Tracestate.parse(header), header);
  }

  @Test
  void trailingWhitespaceOfAValueIsOptionalWhitespace() {
    assertEquals("v", Tracestate.parse("k=v   ").get("k"));
    assertEquals("v", Tracestate.parse("k=v \t,").get("k"));
  }

  @Test
  void equality() {
    assertEquals(Tracestate.parse("a=1,b=2"), Tracestate.parse(" a=1 ,, b=2"));
    assertEquals(Tracestate.parse("a=1,b=2").hashCode(), Tracestate.parse("a=1, b=2").hashCode());
    assertFalse(Tracestate.parse("a=1,b=2").equals(Tracestate.parse("b=2,a=1")));
  }

  static String members(int n) {
    List<String> m = new ArrayList<>();
    for (int i = 0; i < n; i++) m.add("k" + i + "=v" + i);
    return String.join(",", m);
  }
}
