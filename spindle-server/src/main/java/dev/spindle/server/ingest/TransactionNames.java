package dev.spindle.server.ingest;

import java.util.regex.Pattern;

/**
 * Replaces identifiers in URL-like transaction names by {@code *}: UUIDs, 32/40-hex hashes, dates,
 * {@code 0x...} hex and path segments with two or more digits. Like Relay, only names whose source
 * is {@code url}, {@code unknown} or missing are touched; a changed name gets source
 * {@code sanitized}. Names from routes, views, tasks or set by hand are left as they are.
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

  static Named sanitize(String name, String source) {
    if (name == null) return new Named(null, source);
    boolean eligible = source == null || source.isEmpty() || "url".equals(source)
        || "unknown".equals(source) || "sanitized".equals(source);
    if (!eligible) return new Named(name, source);
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
        if (i > 0 && digits(seg) >= 2) b.append('*');
        else b.append(seg);
      }
      path = b.toString();
    }
    return path + rest;
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
