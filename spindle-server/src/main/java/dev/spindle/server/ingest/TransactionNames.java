package dev.spindle.server.ingest;

import java.util.regex.Pattern;

/**
 * Replaces identifiers in URL-like transaction names by {@code *}: UUIDs, 32/40-hex hashes, dates,
 * {@code 0x...} hex, path segments with two or more digits and long mixed-case tokens. Like Relay,
 * only names whose source is {@code url}, {@code unknown} or missing are touched; a changed name
 * gets source {@code sanitized}. Names from routes, views, tasks or set by hand are left as they are.
 */
final class TransactionNames {
  private static final Pattern UUID =
      Pattern.compile("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
  private static final Pattern HASH = Pattern.compile("(?i)(?<![0-9a-z])([0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-z])");
  private static final Pattern DATE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?");
  private static final Pattern HEX = Pattern.compile("(?i)(?<![0-9a-z])0x[0-9a-f]+(?![0-9a-z])");

  private TransactionNames() {}

  /** The name and source to store. */
  record Named(String name, String source) {}

  /** Names one project's transactions: a name and its source as sent, to the name and source stored. */
  interface Naming {
    Named name(String name, String source);
  }

  /** The fixed rules only ({@link #sanitize}), without a project's learned ones ({@link TransactionNaming}). */
  static final Naming FIXED = TransactionNames::sanitize;

  /** Whether names of this source may be rewritten: {@code url}, {@code unknown}, {@code sanitized} or none. */
  static boolean eligible(String source) {
    return source == null || source.isEmpty() || "url".equals(source) || "unknown".equals(source)
        || "sanitized".equals(source);
  }

  static Named sanitize(String name, String source) {
    if (name == null) return new Named(null, source);
    if (!eligible(source)) return new Named(name, source);
    String s = sanitizeText(name);
    if (s.equals(name)) return new Named(name, source == null || source.isEmpty() ? null : source);
    return new Named(s, "sanitized");
  }

  static String sanitizeText(String name) {
    String s = UUID.matcher(name).replaceAll("*");
    s = HASH.matcher(s).replaceAll("*");
    s = DATE.matcher(s).replaceAll("*");
    s = HEX.matcher(s).replaceAll("*");
    // Path segments (between '/', stopping at '?' or '#') with two or more digits.
    int q = indexOfAny(s, '?', '#');
    String path = q < 0 ? s : s.substring(0, q);
    String rest = q < 0 ? "" : s.substring(q);
    String[] parts = path.split("/", -1);
    if (parts.length > 1) {
      StringBuilder b = new StringBuilder(path.length());
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) b.append('/');
        String seg = parts[i];
        // The first part may be "GET " before the path: keep the method.
        if (i > 0 && (digits(seg) >= 2 || randomToken(seg))) b.append('*');
        else b.append(seg);
      }
      path = b.toString();
    }
    return path + rest;
  }

  /**
   * A long token of mixed-case letters (base64/base62 ids without two digits): 16 or more letters,
   * digits, {@code -} or {@code _}, at least 35 % of its letters upper case and 35 % lower case
   * (camel-case words have far fewer capitals).
   */
  static boolean randomToken(String seg) {
    if (seg.length() < 16) return false;
    int upper = 0;
    int lower = 0;
    for (int i = 0; i < seg.length(); i++) {
      char c = seg.charAt(i);
      if (c >= 'A' && c <= 'Z') upper++;
      else if (c >= 'a' && c <= 'z') lower++;
      else if (!(c >= '0' && c <= '9' || c == '-' || c == '_')) return false;
    }
    int letters = upper + lower;
    return upper * 100 >= letters * 35 && lower * 100 >= letters * 35;
  }

  private static int digits(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) if (Character.isDigit(s.charAt(i))) n++;
    return n;
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) == a || s.charAt(i) == b) return i;
    return -1;
  }
}
