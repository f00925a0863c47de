package dev.spindle.instrumentation.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * What HTTP integrations record about a request without leaking secrets or ids: the URL without
 * user info, query or fragment; the query with sensitive values replaced by {@value #FILTERED};
 * and the path with identifiers replaced by {@code *}, fit for a transaction name.
 *
 * <p>All methods accept any input (null, unparseable URLs) and never throw: they are called on the
 * tracing hot path.
 */
public final class HttpNames {
  /** The replacement for a filtered value, as Sentry's server-side scrubbing writes it. */
  public static final String FILTERED = "[Filtered]";

  /** Query keys whose values are never recorded (Sentry's default sensitive-key rule, plus session). */
  private static final Pattern SENSITIVE_KEY = Pattern.compile(
      "(?i).*(password|secret|passwd|api[-_]?key|auth|credentials|mysql_pwd|private[-_]?key"
          + "|token|session|signature).*");
  /** Values that look like credentials whatever their key: bearer tokens and JWTs. */
  private static final Pattern SECRET_VALUE = Pattern.compile(
      "(?i)(bearer[ +].*|[a-z0-9_-]{8,}\\.[a-z0-9_-]{8,}\\.[a-z0-9_-]{8,})");
  /** A card-number-like run of 13 to 19 digits, possibly split by spaces or dashes. */
  private static final Pattern CARD_LIKE = Pattern.compile("(?:\\d[ -]?){12,18}\\d");

  private HttpNames() {}

  /**
   * {@code scheme://host[:port]/path} of {@code url}: no user info, no query, no fragment. For
   * input that is not a hierarchical URI, the text before any {@code ?} or {@code #} with any
   * {@code user@} removed. Null gives null.
   */
  public static String scrubUrl(String url) {
    if (url == null) return null;
    if (isPlainUrl(url)) return url; // what a server's request URL usually is: nothing to drop
    try {
      URI u = new URI(url);
      if (u.getScheme() != null && u.getRawAuthority() != null) {
        StringBuilder b = new StringBuilder(url.length());
        b.append(u.getScheme()).append("://");
        if (u.getHost() != null) {
          b.append(u.getHost());
          if (u.getPort() != -1) b.append(':').append(u.getPort());
        } else {
          b.append(stripUserInfo(u.getRawAuthority()));
        }
        if (u.getRawPath() != null) b.append(u.getRawPath());
        return b.toString();
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the textual scrub
    }
    String s = url;
    int cut = indexOfAny(s, '?', '#');
    if (cut >= 0) s = s.substring(0, cut);
    int scheme = s.indexOf("://");
    int authorityStart = scheme < 0 ? 0 : scheme + 3;
    int slash = s.indexOf('/', authorityStart);
    int authorityEnd = slash < 0 ? s.length() : slash;
    String authority = s.substring(authorityStart, authorityEnd);
    return s.substring(0, authorityStart) + stripUserInfo(authority) + s.substring(authorityEnd);
  }

  /**
   * True for {@code scheme://host[:port][/path]} without user info, query or fragment, a host of
   * letters, digits, dots and dashes and a port without leading zero: {@link #scrubUrl} would give
   * it back unchanged, so it is not parsed.
   */
  private static boolean isPlainUrl(String url) {
    if (indexOfAny(url, '?', '#') >= 0 || url.indexOf('@') >= 0) return false;
    int scheme = url.indexOf("://");
    if (scheme <= 0 || !isAsciiLetterOrDigit(url.charAt(0)) || isDigit(url.charAt(0))) return false;
    for (int i = 1; i < scheme; i++) {
      char c = url.charAt(i);
      if (!(isAsciiLetterOrDigit(c) || c == '+' || c == '.' || c == '-')) return false;
    }
    int start = scheme + 3;
    int end = url.indexOf('/', start);
    if (end < 0) end = url.length();
    int colon = url.indexOf(':', start);
    int hostEnd = colon >= 0 && colon < end ? colon : end;
    if (hostEnd == start) return false;
    for (int i = start; i < hostEnd; i++) {
      char c = url.charAt(i);
      if (!(isAsciiLetterOrDigit(c) || c == '.' || c == '-')) return false;
    }
    if (hostEnd == end) return true;
    int digits = end - hostEnd - 1;
    if (digits < 1 || digits > 5 || url.charAt(hostEnd + 1) == '0') return false;
    for (int i = hostEnd + 1; i < end; i++) {
      if (!isDigit(url.charAt(i))) return false;
    }
    return true;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** The raw query of {@code url} scrubbed as {@link #scrubQuery}; null when it has none. */
  public static String scrubbedQueryOf(String url) {
    if (url == null) return null;
    int q = url.indexOf('?');
    if (q < 0) return null;
    int hash = url.indexOf('#', q);
    return scrubQuery(hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash));
  }

  /**
   * The query with the value of every sensitive key ({@code token}, {@code password},
   * {@code api_key}, {@code auth...}, ...) and every value that looks like a credential (bearer
   * token, JWT, card number) replaced by {@value #FILTERED}. Keys and the order are kept. Null or
   * empty gives null.
   */
  public static String scrubQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) return null;
    StringBuilder b = new StringBuilder(rawQuery.length());
    for (String pair : rawQuery.split("&", -1)) {
      if (b.length() > 0) b.append('&');
      int eq = pair.indexOf('=');
      if (eq < 0) {
        b.append(pair);
        continue;
      }
      String key = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      b.append(key).append('=');
      b.append(isSensitive(key, value) ? FILTERED : value);
    }
    return b.toString();
  }

  private static boolean isSensitive(String key, String value) {
    if (SENSITIVE_KEY.matcher(key).matches()) return true;
    String v = value.replace("%20", " ");
    return SECRET_VALUE.matcher(v).matches() || CARD_LIKE.matcher(v).matches();
  }

  /**
   * The path with every segment that looks like an identifier replaced by {@code *}: numbers,
   * segments with two or more digits (dates, versions with ids), UUIDs, {@code 0x} hex and hex
   * strings of 16 characters or more. A null or empty path gives {@code /}. The query, if any,
   * is dropped. Runs on every request: one pass over the characters, no regular expression, and
   * no new string when nothing is replaced.
   */
  public static String sanitizePath(String path) {
    if (path == null || path.isEmpty()) return "/";
    int q = indexOfAny(path, '?', '#');
    if (q >= 0) path = path.substring(0, q);
    if (path.isEmpty()) return "/";
    StringBuilder b = null;
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) end = path.length();
      if (isIdentifier(path, start, end)) {
        if (b == null) b = new StringBuilder(path.length()).append(path, 0, start);
        b.append('*');
      } else if (b != null) {
        b.append(path, start, end);
      }
      if (end < path.length() && b != null) b.append('/');
      start = end + 1;
    }
    return b == null ? path : b.toString();
  }

  /**
   * Whether {@code s[from, to)} is a number ({@code \d+}), holds two digits on one line
   * ({@code .*\d.*\d.*}), is {@code 0x} hex, 16 or more hex digits, or a UUID (letters in
   * either case).
   */
  private static boolean isIdentifier(String s, int from, int to) {
    int n = to - from;
    if (n == 0) return false;
    int digits = 0;
    boolean allHex = true;
    boolean lineBreak = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (isDigit(c)) digits++;
      else if (!isHexLetter(c)) allHex = false;
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') lineBreak = true;
    }
    if (digits == n || (digits >= 2 && !lineBreak) || (allHex && n >= 16)) return true;
    if (n > 2 && s.charAt(from) == '0' && (s.charAt(from + 1) | 0x20) == 'x' && isHex(s, from + 2, to)) {
      return true;
    }
    return n == 36 && isUuid(s, from);
  }

  /** 8-4-4-4-12 hex digits. */
  private static boolean isUuid(String s, int from) {
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(from + i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !(isDigit(c) || isHexLetter(c))) return false;
    }
    return true;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isDigit(c) && !isHexLetter(c)) return false;
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexLetter(char c) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String stripUserInfo(String authority) {
    int at = authority.lastIndexOf('@');
    return at < 0 ? authority : authority.substring(at + 1);
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    if (i < 0) return j;
    if (j < 0) return i;
    return Math.min(i, j);
  }
}
