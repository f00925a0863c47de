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

  private static final Pattern UUID = Pattern.compile(
      "(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern HEX_ID = Pattern.compile("(?i)(0x[0-9a-f]+|[0-9a-f]{16,})");
  private static final Pattern TWO_DIGITS = Pattern.compile(".*\\d.*\\d.*");
  private static final Pattern ALL_DIGITS = Pattern.compile("\\d+");

  private HttpNames() {}

  /**
   * {@code scheme://host[:port]/path} of {@code url}: no user info, no query, no fragment. For
   * input that is not a hierarchical URI, the text before any {@code ?} or {@code #} with any
   * {@code user@} removed. Null gives null.
   */
  public static String scrubUrl(String url) {
    if (url == null) return null;
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
   * is dropped.
   */
  public static String sanitizePath(String path) {
    if (path == null || path.isEmpty()) return "/";
    int q = indexOfAny(path, '?', '#');
    if (q >= 0) path = path.substring(0, q);
    if (path.isEmpty()) return "/";
    String[] segments = path.split("/", -1);
    StringBuilder b = new StringBuilder(path.length());
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) b.append('/');
      String s = segments[i];
      b.append(isIdentifier(s) ? "*" : s);
    }
    return b.toString();
  }

  private static boolean isIdentifier(String segment) {
    if (segment.isEmpty()) return false;
    return ALL_DIGITS.matcher(segment).matches()
        || TWO_DIGITS.matcher(segment).matches()
        || UUID.matcher(segment).matches()
        || HEX_ID.matcher(segment).matches();
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
