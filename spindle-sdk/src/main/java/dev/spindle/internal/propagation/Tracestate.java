package dev.spindle.internal.propagation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The W3C Trace Context {@code tracestate} header: a comma-separated list of {@code key=value}
 * members that vendors use for their own data. Spindle adds nothing to it; it validates the
 * incoming list and forwards it unchanged (apart from dropping empty members and optional
 * whitespace).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>several {@code tracestate} headers are combined with {@code ,} in order;
 *   <li>empty members (from {@code ,,} or whitespace) are allowed and skipped; spaces and tabs
 *       around members are ignored;
 *   <li>a key is a simple key <code>[a-z][a-z0-9_\-*&#47;]{0,255}</code> or a multi-tenant key
 *       <code>tenant@system</code>, with tenant <code>[a-z0-9][a-z0-9_\-*&#47;]{0,240}</code> and
 *       system <code>[a-z][a-z0-9_\-*&#47;]{0,13}</code>;
 *   <li>a value has 1 to 256 printable ASCII characters (0x20–0x7E) other than {@code ,} and
 *       {@code =}, and does not end with a space;
 *   <li>at most 32 members; keys must be unique.
 * </ul>
 *
 * <p>Any violation makes the whole tracestate invalid: it is discarded while the
 * {@code traceparent} is still honoured. Parsing never throws.
 */
public final class Tracestate {
  /** The W3C limit on the number of members. */
  public static final int MAX_MEMBERS = 32;
  /** The W3C limit on the length of a value. */
  public static final int MAX_VALUE_LENGTH = 256;

  /** No members. */
  public static final Tracestate EMPTY = new Tracestate(List.of(), List.of());

  private final List<String> keys;
  private final List<String> values;

  private Tracestate(List<String> keys, List<String> values) {
    this.keys = keys;
    this.values = values;
  }

  /**
   * Parses the values of every {@code tracestate} header of a request, combined with {@code ,}.
   * Returns {@link #EMPTY} when there are none or they hold only empty members, and {@code null}
   * when the list is invalid.
   */
  public static Tracestate parse(List<String> headerValues) {
    if (headerValues == null || headerValues.isEmpty()) return EMPTY;
    if (headerValues.size() == 1) return parse(headerValues.get(0));
    StringBuilder joined = new StringBuilder();
    for (String v : headerValues) {
      if (v == null) continue;
      if (joined.length() > 0) joined.append(',');
      joined.append(v);
    }
    return parse(joined.toString());
  }

  /** Parses one header value: see {@link #parse(List)}. */
  public static Tracestate parse(String headerValue) {
    if (headerValue == null) return EMPTY;
    List<String> keys = null;
    List<String> values = null;
    Set<String> seen = null;
    int n = headerValue.length();
    int pos = 0;
    while (pos <= n) {
      int comma = headerValue.indexOf(',', pos);
      if (comma < 0) comma = n;
      int start = pos;
      int end = comma;
      pos = comma + 1;
      while (start < end && SentryTraceHeader.isSpaceOrTab(headerValue.charAt(start))) start++;
      while (end > start && SentryTraceHeader.isSpaceOrTab(headerValue.charAt(end - 1))) end--;
      if (start == end) continue; // empty member
      int eq = headerValue.indexOf('=', start);
      if (eq < 0 || eq >= end) return null;
      if (!isValidKey(headerValue, start, eq)) return null;
      if (!isValidValue(headerValue, eq + 1, end)) return null;
      if (keys == null) {
        keys = new ArrayList<>(4);
        values = new ArrayList<>(4);
        seen = new HashSet<>();
      }
      String key = headerValue.substring(start, eq);
      if (!seen.add(key)) continue; // a repeated key: keep the first, as W3C allows
      if (keys.size() == MAX_MEMBERS) return null;
      keys.add(key);
      values.add(headerValue.substring(eq + 1, end));
    }
    if (keys == null) return EMPTY;
    return new Tracestate(Collections.unmodifiableList(keys), Collections.unmodifiableList(values));
  }

  /**
   * The value to forward for the values of every {@code tracestate} header of a request: what
   * {@link #parse(List)} gives as {@link #value()}, {@code ""} when there are no members, and
   * {@code null} when the list is invalid. A single header already in that form (no empty
   * members, no optional whitespace, no repeated key) is returned itself, checked in one pass
   * without building the members.
   */
  public static String forward(List<String> headerValues) {
    if (headerValues == null || headerValues.isEmpty()) return "";
    if (headerValues.size() == 1) return forward(headerValues.get(0));
    Tracestate ts = parse(headerValues);
    return ts == null ? null : ts.value();
  }

  /** As {@link #forward(List)} for one header value ({@code null} gives {@code ""}). */
  public static String forward(String headerValue) {
    if (headerValue == null || headerValue.isEmpty()) return "";
    if (isForwardable(headerValue)) return headerValue;
    Tracestate ts = parse(headerValue);
    return ts == null ? null : ts.value();
  }

  /**
   * Whether {@code s} is a valid list exactly as {@link #value()} would write it: members that
   * are valid and neither empty nor padded, at most {@link #MAX_MEMBERS}, no key twice.
   */
  private static boolean isForwardable(String s) {
    int n = s.length();
    int members = 0;
    for (int start = 0; start <= n; members++) {
      int end = s.indexOf(',', start);
      if (end < 0) end = n;
      int eq = s.indexOf('=', start);
      if (eq < 0 || eq >= end || members == MAX_MEMBERS) return false;
      if (!isValidKey(s, start, eq) || !isValidValue(s, eq + 1, end)) return false;
      if (hasKeyBefore(s, start, eq)) return false;
      start = end + 1;
    }
    return true;
  }

  /** Whether a member of {@code s} before {@code keyStart} has the key {@code s[keyStart, keyEnd)}. */
  private static boolean hasKeyBefore(String s, int keyStart, int keyEnd) {
    int len = keyEnd - keyStart;
    for (int p = 0; p < keyStart; p = s.indexOf(',', p) + 1) {
      if (s.charAt(p + len) == '=' && s.regionMatches(p, s, keyStart, len)) return true;
    }
    return false;
  }

  /** Whether {@code key} is a valid tracestate key (simple or multi-tenant). */
  public static boolean isValidKey(String key) {
    return key != null && isValidKey(key, 0, key.length());
  }

  /** Whether {@code value} is a valid tracestate value. */
  public static boolean isValidValue(String value) {
    return value != null && isValidValue(value, 0, value.length());
  }

  /** The number of members. */
  public int size() {
    return keys.size();
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The keys in order. */
  public List<String> keys() {
    return keys;
  }

  /** The value of {@code key}, or {@code null}. */
  public String get(String key) {
    int i = keys.indexOf(key);
    return i < 0 ? null : values.get(i);
  }

  /** The header value to forward: members joined by {@code ,}; empty when there are none. */
  public String value() {
    if (keys.isEmpty()) return "";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(keys.get(i)).append('=').append(values.get(i));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Tracestate)) return false;
    Tracestate that = (Tracestate) o;
    return keys.equals(that.keys) && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return 31 * keys.hashCode() + values.hashCode();
  }

  @Override
  public String toString() {
    return value();
  }

  /**
   * W3C Level 2 key grammar: a lowercase letter or digit, then up to 255 of lowercase letters,
   * digits, {@code _ - * / @}. (Level 1's {@code tenant@system} split is a special case.)
   */
  private static boolean isValidKey(String s, int from, int to) {
    int len = to - from;
    if (len < 1 || len > 256) return false;
    char first = s.charAt(from);
    if (!isLcAlpha(first) && !isDigit(first)) return false;
    for (int i = from + 1; i < to; i++) {
      char c = s.charAt(i);
      if (!isLcAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '*' && c != '/' && c != '@') {
        return false;
      }
    }
    return true;
  }

  private static boolean isValidValue(String s, int from, int to) {
    int len = to - from;
    if (len < 1 || len > MAX_VALUE_LENGTH) return false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
    }
    return s.charAt(to - 1) != ' ';
  }

  private static boolean isLcAlpha(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
