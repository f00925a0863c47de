package dev.spindle.propagation;

import dev.spindle.internal.propagation.SentryTraceHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The W3C Baggage header: comma-separated members {@code key=value[;property...]}. Sentry puts its
 * Dynamic Sampling Context in members whose key starts with {@code sentry-}; other members belong
 * to other vendors or the application.
 *
 * <p><b>Parsing</b> never throws. Several {@code baggage} headers are combined with {@code ,}.
 * Spaces and tabs around keys, values, {@code =} and {@code ;} are ignored. A key must be an HTTP
 * token; a value may be empty and may only hold W3C baggage octets (printable ASCII other than
 * space, {@code "}, {@code ,}, {@code ;} and {@code \}); properties follow the same rules (empty
 * properties, as in a trailing {@code ;}, are tolerated and kept verbatim). A
 * malformed member is dropped on its own; the rest of the header is kept. Values (and the keys of
 * {@code sentry-} members) are percent-decoded as UTF-8 when read through {@link #get} or
 * {@link #sentryValues}; {@code +} is a literal plus, not a space.
 *
 * <p><b>Limits</b>: at most {@value #MAX_MEMBERS} members and {@value #MAX_BYTES} bytes (members
 * plus separating commas), both when parsing and when writing. When they are exceeded,
 * {@code sentry-} members are admitted first, then other members in their order while they fit;
 * whatever does not fit is dropped, member by member (a later, smaller member may still fit).
 *
 * <p><b>Writing</b> ({@link #format}): {@code sentry-} members come <em>first</em>, so that a
 * proxy truncating the header from the end loses other vendors' members before the Dynamic
 * Sampling Context; then the other members, verbatim.
 *
 * <p>An SDK does not forward other vendors' <em>incoming</em> members as its own: the propagator
 * writes only the Dynamic Sampling Context, except when an outgoing request already carries a
 * {@code baggage} header, whose non-Sentry members are kept by {@link #mergeInto}.
 */
public final class Baggage {
  /** The most members read or written. */
  public static final int MAX_MEMBERS = 64;
  /** The most bytes read or written, commas included. */
  public static final int MAX_BYTES = 8192;
  /** The prefix of the members that carry the Dynamic Sampling Context. */
  public static final String SENTRY_PREFIX = "sentry-";

  /** No members. */
  public static final Baggage EMPTY = new Baggage(List.of());

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final List<Member> members;

  private Baggage(List<Member> members) {
    this.members = members;
  }

  /**
   * One well-formed member, as received: a range of the header it came in (its text and parts
   * are cut from the header only when asked for).
   */
  public static final class Member {
    private final String header;
    private final int start;
    private final int end;
    private final int keyEnd;
    private final int valueStart;
    private final int valueEnd;
    private final int propertiesStart; // -1: none

    Member(String header, int start, int end, int keyEnd, int valueStart, int valueEnd,
        int propertiesStart) {
      this.header = header;
      this.start = start;
      this.end = end;
      this.keyEnd = keyEnd;
      this.valueStart = valueStart;
      this.valueEnd = valueEnd;
      this.propertiesStart = propertiesStart;
    }

    /** The key as received (a token, not decoded). */
    public String key() {
      return header.substring(start, keyEnd);
    }

    /** The value as received, still percent-encoded; may be empty. */
    public String rawValue() {
      return header.substring(valueStart, valueEnd);
    }

    /** The percent-decoded value. */
    public String value() {
      return decode(rawValue());
    }

    /** The properties after the first {@code ;}, as received; empty when there are none. */
    public String properties() {
      return propertiesStart < 0 ? "" : header.substring(propertiesStart, end);
    }

    /** Whether the key starts with {@code sentry-}. */
    public boolean isSentry() {
      return keyEnd - start >= SENTRY_PREFIX.length() && header.startsWith(SENTRY_PREFIX, start);
    }

    boolean hasKey(String key) {
      return keyEnd - start == key.length() && header.startsWith(key, start);
    }

    /**
     * For a {@code sentry-} member: whether its key after the prefix is {@code name} as received
     * (without decoding, so that a known key is matched without cutting it from the header).
     */
    boolean hasSentryKey(String name) {
      int from = start + SENTRY_PREFIX.length();
      return keyEnd - from == name.length() && header.startsWith(name, from);
    }

    /** For a {@code sentry-} member: its percent-decoded key without the prefix. */
    String sentryKey() {
      return decode(header.substring(start + SENTRY_PREFIX.length(), keyEnd));
    }

    int utf8Length() {
      return Baggage.utf8Length(header, start, end);
    }

    /** The member as received, minus surrounding whitespace. */
    @Override
    public String toString() {
      return start == 0 && end == header.length() ? header : header.substring(start, end);
    }
  }

  /** Parses the values of every {@code baggage} header of a request. Never throws. */
  public static Baggage parse(List<String> headerValues) {
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

  /** Parses one header value. Never throws. */
  public static Baggage parse(String headerValue) {
    if (headerValue == null || headerValue.isEmpty()) return EMPTY;
    List<Member> candidates = new ArrayList<>();
    int n = headerValue.length();
    int pos = 0;
    while (pos < n) {
      int comma = headerValue.indexOf(',', pos);
      if (comma < 0) comma = n;
      Member m = parseMember(headerValue, pos, comma);
      if (m != null) candidates.add(m);
      pos = comma + 1;
    }
    if (candidates.isEmpty()) return EMPTY;
    boolean[] keep = select(candidates.size(), i -> candidates.get(i).isSentry(),
        i -> candidates.get(i).utf8Length());
    int keptCount = 0;
    for (boolean k : keep) if (k) keptCount++;
    List<Member> kept = candidates; // usually every member fits
    if (keptCount < candidates.size()) {
      kept = new ArrayList<>(keptCount);
      for (int i = 0; i < keep.length; i++) {
        if (keep[i]) kept.add(candidates.get(i));
      }
    }
    return new Baggage(Collections.unmodifiableList(kept));
  }

  /** All members kept, in the order received. */
  public List<Member> members() {
    return members;
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  /** Whether any member's key starts with {@code sentry-}. */
  public boolean hasSentryMembers() {
    for (Member m : members) {
      if (m.isSentry()) return true;
    }
    return false;
  }

  /**
   * The decoded value of the member with this key (compared as received), or {@code null}. When a
   * key repeats, the last occurrence wins.
   */
  public String get(String key) {
    Member found = null;
    for (Member m : members) {
      if (m.hasKey(key)) found = m;
    }
    return found == null ? null : found.value();
  }

  /**
   * The {@code sentry-} members as a map from the decoded key <em>without</em> the prefix (e.g.
   * {@code trace_id}) to the decoded value, in order of first appearance; the last occurrence of
   * a repeated key wins.
   */
  public Map<String, String> sentryValues() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Member m : members) {
      if (m.isSentry()) out.put(m.sentryKey(), m.value());
    }
    return out;
  }

  /** The members that are not {@code sentry-} members, verbatim (properties included). */
  public List<String> thirdPartyMembers() {
    List<String> out = new ArrayList<>();
    for (Member m : members) {
      if (!m.isSentry()) out.add(m.toString());
    }
    return out;
  }

  /** Every member kept, verbatim, joined by {@code ,}; empty when there are none. */
  public String value() {
    StringBuilder sb = new StringBuilder();
    for (Member m : members) {
      if (sb.length() > 0) sb.append(',');
      sb.append(m.header, m.start, m.end);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return value();
  }

  /**
   * Joins already-encoded members into a header value within the limits: {@code sentry-} members
   * first, then {@code otherMembers}; members that do not fit are dropped (others before
   * {@code sentry-} ones). Returns {@code null} when nothing is left to send.
   */
  public static String format(List<String> sentryMembers, List<String> otherMembers) {
    List<String> texts = new ArrayList<>();
    List<Boolean> sentry = new ArrayList<>();
    if (sentryMembers != null) {
      for (String s : sentryMembers) {
        if (s == null || s.isEmpty()) continue;
        texts.add(s);
        sentry.add(Boolean.TRUE);
      }
    }
    if (otherMembers != null) {
      for (String s : otherMembers) {
        if (s == null || s.isEmpty()) continue;
        texts.add(s);
        sentry.add(Boolean.FALSE);
      }
    }
    boolean[] keep = select(texts.size(), sentry::get, i -> utf8Length(texts.get(i)));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < texts.size(); i++) {
      if (!keep[i]) continue;
      if (sb.length() > 0) sb.append(',');
      sb.append(texts.get(i));
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /**
   * The {@code baggage} value for an outgoing request that may already carry one: keeps the
   * existing header's non-Sentry members (verbatim, in order), drops its {@code sentry-} members
   * and puts the members of {@code dsc} first. {@code existingHeaderValue} and {@code dsc} may be
   * {@code null}. Returns {@code null} when there is nothing to send. Never throws.
   */
  public static String mergeInto(String existingHeaderValue, DynamicSamplingContext dsc) {
    List<String> sentry = dsc == null ? List.of() : dsc.toBaggageMembers();
    List<String> others = parse(existingHeaderValue).thirdPartyMembers();
    return format(sentry, others);
  }

  /**
   * Percent-encodes a key or value as UTF-8: ASCII letters, digits and {@code -._~} stay, every
   * other byte becomes {@code %XX} (uppercase hex). The result is always a valid baggage value.
   */
  public static String encode(String s) {
    if (s == null) return null;
    int i = 0;
    int n = s.length();
    while (i < n && isUnreserved(s.charAt(i))) i++;
    if (i == n) return s;
    StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
    byte[] bytes = s.substring(i).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && isUnreserved(c)) {
        sb.append(c);
      } else {
        sb.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return sb.toString();
  }

  /**
   * Percent-decodes as UTF-8. {@code %} not followed by two hex digits stays as it is; byte
   * sequences that are not UTF-8 become U+FFFD; {@code +} stays a plus. Never throws.
   */
  public static String decode(String s) {
    if (s == null) return null;
    if (s.indexOf('%') < 0) return s;
    // Over the UTF-8 bytes: a %XX triplet is ASCII, other characters' bytes are copied as they are.
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int n = 0;
    for (int i = 0; i < bytes.length; ) {
      int hi = bytes[i] == '%' && i + 2 < bytes.length ? hexValue((char) bytes[i + 1]) : -1;
      int lo = hi < 0 ? -1 : hexValue((char) bytes[i + 2]);
      if (lo >= 0) {
        bytes[n++] = (byte) ((hi << 4) | lo);
        i += 3;
      } else {
        bytes[n++] = bytes[i++];
      }
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * Chooses which members to keep within {@link #MAX_MEMBERS} and {@link #MAX_BYTES}: sentry
   * members first, then the others, each in order; one that does not fit is skipped.
   */
  private static boolean[] select(int n, IntPredicate sentry, IntUnaryOperator utf8Length) {
    boolean[] keep = new boolean[n];
    int count = 0;
    int bytes = 0;
    for (int pass = 0; pass < 2; pass++) {
      boolean wantSentry = pass == 0;
      for (int i = 0; i < n; i++) {
        if (sentry.test(i) != wantSentry) continue;
        if (count == MAX_MEMBERS) return keep;
        int size = utf8Length.applyAsInt(i) + (count == 0 ? 0 : 1);
        if (bytes + size > MAX_BYTES) continue;
        keep[i] = true;
        count++;
        bytes += size;
      }
    }
    return keep;
  }

  private static Member parseMember(String s, int from, int to) {
    int start = trimStart(s, from, to);
    int end = trimEnd(s, start, to);
    if (start == end) return null;
    int semi = s.indexOf(';', start);
    if (semi < 0 || semi > end) semi = end;
    int eq = s.indexOf('=', start);
    if (eq < 0 || eq > semi) return null;
    int keyEnd = trimEnd(s, start, eq);
    if (keyEnd == start || !isToken(s, start, keyEnd)) return null;
    int valueStart = trimStart(s, eq + 1, semi);
    int valueEnd = trimEnd(s, valueStart, semi);
    if (!isBaggageOctets(s, valueStart, valueEnd)) return null;
    int propertiesStart = -1;
    if (semi < end) {
      if (!arePropertiesValid(s, semi + 1, end)) return null;
      propertiesStart = trimStart(s, semi + 1, end);
    }
    return new Member(s, start, end, keyEnd, valueStart, valueEnd, propertiesStart);
  }

  private static boolean arePropertiesValid(String s, int from, int to) {
    int pos = from;
    while (pos <= to) {
      int semi = s.indexOf(';', pos);
      if (semi < 0 || semi > to) semi = to;
      int start = trimStart(s, pos, semi);
      int end = trimEnd(s, start, semi);
      if (start == end) {
        pos = semi + 1; // empty property, e.g. a trailing ';': tolerated
        continue;
      }
      int eq = s.indexOf('=', start);
      if (eq < 0 || eq > end) {
        if (!isToken(s, start, end)) return false;
      } else {
        int keyEnd = trimEnd(s, start, eq);
        if (keyEnd == start || !isToken(s, start, keyEnd)) return false;
        int valueStart = trimStart(s, eq + 1, end);
        if (!isBaggageOctets(s, valueStart, end)) return false;
      }
      pos = semi + 1;
    }
    return true;
  }

  private static int trimStart(String s, int from, int to) {
    while (from < to && SentryTraceHeader.isSpaceOrTab(s.charAt(from))) from++;
    return from;
  }

  private static int trimEnd(String s, int from, int to) {
    while (to > from && SentryTraceHeader.isSpaceOrTab(s.charAt(to - 1))) to--;
    return to;
  }

  /** RFC 7230 token characters. */
  private static boolean isToken(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) return false;
    }
    return true;
  }

  /** W3C baggage-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E. */
  private static boolean isBaggageOctets(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return false;
    }
    return true;
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  static int utf8Length(String s) {
    return utf8Length(s, 0, s.length());
  }

  private static int utf8Length(String s, int from, int to) {
    int len = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        len++;
      } else if (c < 0x800) {
        len += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        len += 4;
        i++;
      } else {
        len += 3;
      }
    }
    return len;
  }
}
