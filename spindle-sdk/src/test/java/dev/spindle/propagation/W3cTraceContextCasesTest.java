package dev.spindle.propagation;

import dev.spindle.internal.propagation.Tracestate;
import dev.spindle.internal.propagation.TracePropagator;
import dev.spindle.internal.propagation.OutgoingTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The situations the W3C trace-context test harness (w3c/trace-context, test/test.py) sends,
 * checked at the propagator level: what a service would continue and forward. Headers are given
 * as an ordered list of (name, value) pairs, repeated names allowed.
 */
class W3cTraceContextCasesTest {
  static final String TRACE = "12345678901234567890123456789012";
  static final String TP = "00-" + TRACE + "-1234567890123456-00";

  final TracePropagator propagator = TracePropagator.create(true, true);

  /** Extracts from header pairs; the carrier keeps names as sent. */
  IncomingTrace extract(String... pairs) {
    Map<String, List<String>> carrier = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      carrier.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
    }
    return propagator.extract(carrier, Propagation.multiMapGetter());
  }

  /** The tracestate the service would forward after continuing, or null for a new trace. */
  String forwarded(String... pairs) {
    IncomingTrace in = extract(pairs);
    if (in == null) return null;
    assertEquals(TRACE, in.traceId());
    return in.tracestate();
  }

  @Test
  void wrongHeaderNamesAreNotTraceparent() {
    assertNull(extract("trace-parent", TP));
    assertNull(extract("trace.parent", TP));
  }

  @Test
  void tracestateWithoutTraceparentIsDiscarded() {
    assertNull(extract("tracestate", "foo=1"));
  }

  @Test
  void tracestateIsInherited() {
    assertEquals("foo=1,bar=2", forwarded("traceparent", TP, "tracestate", "foo=1,bar=2"));
  }

  @Test
  void wrongTracestateNamesAreIgnored() {
    assertEquals("", forwarded("traceparent", TP, "trace-state", "foo=1"));
    assertEquals("", forwarded("traceparent", TP, "trace.state", "foo=1"));
  }

  @Test
  void tracestateNameCasing() {
    assertEquals("foo=1", forwarded("traceparent", TP, "TrAcEsTaTe", "foo=1"));
  }

  @Test
  void emptyTracestateHeaders() {
    assertEquals("", forwarded("traceparent", TP, "tracestate", ""));
    assertEquals("foo=1", forwarded("traceparent", TP, "tracestate", "foo=1", "tracestate", ""));
    assertEquals("foo=1", forwarded("traceparent", TP, "tracestate", "", "tracestate", "foo=1"));
  }

  @Test
  void multipleTracestateHeadersKeepOrder() {
    assertEquals("foo=1,bar=2,rojo=1,congo=2,baz=3", forwarded("traceparent", TP,
        "tracestate", "foo=1,bar=2", "tracestate", "rojo=1,congo=2", "tracestate", "baz=3"));
  }

  @Test
  void duplicatedKeysKeepTheFirst() {
    assertEquals("foo=1", forwarded("traceparent", TP, "tracestate", "foo=1,foo=1"));
    assertEquals("foo=1", forwarded("traceparent", TP, "tracestate", "foo=1,foo=2"));
    assertEquals("foo=1", forwarded("traceparent", TP, "tracestate", "foo=1", "tracestate", "foo=1"));
    assertEquals("foo=1,bar=3", forwarded("traceparent", TP, "tracestate", "foo=1", "tracestate", "bar=3,foo=2"));
  }

  @Test
  void allAllowedCharacters() {
    StringBuilder key = new StringBuilder();
    for (char c = 'a'; c <= 'z'; c++) key.append(c);
    key.append("0123456789_-*/");
    StringBuilder value = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      if (c != ',' && c != '=') value.append(c);
    }
    String simple = key + "=" + value;
    String tenant = key + "@a-z0-9_-*/=" + value;
    assertEquals(simple, forwarded("traceparent", TP, "tracestate", simple));
    assertEquals(tenant, forwarded("traceparent", TP, "tracestate", tenant));
    Tracestate parsed = Tracestate.parse(simple);
    assertEquals(value.toString(), parsed.get(key.toString()));
  }

  @Test
  void optionalWhitespace() {
    assertEquals("foo=1,bar=2,baz=3",
        forwarded("traceparent", TP, "tracestate", "foo=1 \t , \t bar=2, \t baz=3"));
    assertEquals("foo=1,bar=2,baz=3",
        forwarded("traceparent", TP, "tracestate", "foo=1\t \t,\t \tbar=2,\t \tbaz=3"));
    for (String ts : new String[] {" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"}) {
      assertEquals("foo=1", forwarded("traceparent", TP, "tracestate", ts), ts);
    }
  }

  @Test
  void illegalKeysDiscardTracestate() {
    for (String ts : new String[] {"foo =1", "FOO=1", "foo.bar=1", "@foo=1,bar=2"}) {
      assertEquals("", forwarded("traceparent", TP, "tracestate", ts), ts);
    }
  }

  @Test
  void keysWithAtSignsAfterTheFirstCharacterAreKept() {
    for (String ts : new String[] {"foo@=1,bar=2", "foo@@bar=1,bar=2", "foo@bar@baz=1,bar=2"}) {
      assertEquals(ts, forwarded("traceparent", TP, "tracestate", ts), ts);
    }
  }

  @Test
  void memberCountLimitAcrossHeaders() {
    List<String> thirtyTwo = new ArrayList<>();
    for (int i = 1; i <= 32; i++) thirtyTwo.add(String.format("bar%02d=%02d", i, i));
    String first = String.join(",", thirtyTwo.subList(0, 30));
    String ok = forwarded("traceparent", TP, "tracestate", first, "tracestate", "bar31=31,bar32=32");
    assertEquals(32, Tracestate.parse(ok).size());
    assertEquals("", forwarded("traceparent", TP,
        "tracestate", first, "tracestate", "bar31=31,bar32=32,bar33=33"));
  }

  @Test
  void keyLengthLimits() {
    assertEquals("foo=1," + "z".repeat(256) + "=1",
        forwarded("traceparent", TP, "tracestate", "foo=1", "tracestate", "z".repeat(256) + "=1"));
    assertEquals("", forwarded("traceparent", TP,
        "tracestate", "foo=1", "tracestate", "z".repeat(257) + "=1"));
    assertNotNull(Tracestate.parse(List.of("foo=1", "t".repeat(241) + "@" + "v".repeat(14) + "=1")));
    // Level 2: any key of at most 256 characters, '@' anywhere after the first.
    assertEquals("foo=1," + "t".repeat(242) + "@v=1", forwarded("traceparent", TP,
        "tracestate", "foo=1", "tracestate", "t".repeat(242) + "@v=1"));
    assertEquals("foo=1,t@" + "v".repeat(15) + "=1", forwarded("traceparent", TP,
        "tracestate", "foo=1", "tracestate", "t@" + "v".repeat(15) + "=1"));
  }

  @Test
  void illegalValuesDiscardTracestate() {
    assertEquals("", forwarded("traceparent", TP, "tracestate", "foo=bar=baz"));
    assertEquals("", forwarded("traceparent", TP, "tracestate", "foo=,bar=3"));
  }

  @Test
  void traceparentCasesFromTheHarness() {
    String t = TRACE;
    String p = "1234567890123456";
    String[] restart = {
        "00-" + t + "-" + p + "-01.",
        "00-" + t + "-" + p + "-01-what-the-future-will-be-like",
        "cc-" + t + "-" + p + "-01.what-the-future-will-be-like",
        "ff-" + t + "-" + p + "-01",
        ".0-" + t + "-" + p + "-01",
        "0.-" + t + "-" + p + "-01",
        "000-" + t + "-" + p + "-01",
        "0000-" + t + "-" + p + "-01",
        "0-" + t + "-" + p + "-01",
        "00-00000000000000000000000000000000-" + p + "-01",
        "00-.2345678901234567890123456789012-" + p + "-01",
        "00-1234567890123456789012345678901.-" + p + "-01",
        "00-" + t + "3-" + p + "-01",
        "00-" + t.substring(1) + "-" + p + "-01",
        "00-" + t + "-0000000000000000-01",
        "00-" + t + "-.234567890123456-01",
        "00-" + t + "-123456789012345.-01",
        "00-" + t + "-" + p + "7-01",
        "00-" + t + "-" + p.substring(1) + "-01",
        "00-" + t + "-" + p + "-.0",
        "00-" + t + "-" + p + "-0.",
        "00-" + t + "-" + p + "-001",
        "00-" + t + "-" + p + "-1",
    };
    for (String tp : restart) assertNull(extract("traceparent", tp), tp);
    String[] keep = {
        "cc-" + t + "-" + p + "-01",
        "cc-" + t + "-" + p + "-01-what-the-future-will-be-like",
        " 00-" + t + "-" + p + "-01",
        "\t00-" + t + "-" + p + "-01",
        "00-" + t + "-" + p + "-01 ",
        "00-" + t + "-" + p + "-01\t",
        "\t 00-" + t + "-" + p + "-01 \t",
    };
    for (String tp : keep) assertEquals(TRACE, extract("traceparent", tp).traceId(), tp);
    for (String name : new String[] {"TraceParent", "TrAcEpArEnT", "TRACEPARENT"}) {
      assertEquals(TRACE, extract(name, "00-" + t + "-" + p + "-01").traceId(), name);
    }
  }

  @Test
  void duplicatedTraceparentRestarts() {
    assertNull(extract(
        "traceparent", "00-12345678901234567890123456789011-1234567890123456-01",
        "traceparent", "00-12345678901234567890123456789012-1234567890123456-01"));
  }

  @Test
  void outgoingTraceparentKeepsTheTraceWithANewParent() {
    IncomingTrace in = extract("traceparent", "00-" + TRACE + "-1234567890123456-01");
    Map<String, String> out = new LinkedHashMap<>();
    propagator.inject(OutgoingTrace.of(in.traceId(), in.sampled(), in.dsc(),
        in.tracestate()), "abcdefabcdef0123", out, Propagation.mapSetter());
    assertEquals("00-" + TRACE + "-abcdefabcdef0123-01", out.get("traceparent"));
  }
}
