package dev.spindle.server.ingest;

/**
 * A learned transaction-name rule. Syntax: a path pattern, {@code /} then segments separated by
 * {@code /}; a segment is a literal (matched exactly), {@code *} (any one non-empty segment, which
 * the rule replaces by {@code *}) or, last only, {@code **} (any further segments, zero or more,
 * kept as they are). A rule applies to the path of a name: from its first {@code /} up to a
 * {@code ?} or {@code #}; what comes before (the method, {@code "GET "}) and after is kept. So
 * {@code /users/*}{@code /**} turns {@code GET /users/alice/orders} into
 * {@code GET /users/*}{@code /orders} and {@code /users/bob} into {@code /users/*}, and leaves
 * {@code /users} and {@code /teams/alice} alone.
 */
final class NameRule {
  private final String pattern;
  private final String[] segments;
  private final boolean rest;

  private NameRule(String pattern, String[] segments, boolean rest) {
    this.pattern = pattern;
    this.segments = segments;
    this.rest = rest;
  }

  /** The rule; throws {@link IllegalArgumentException} naming what is wrong with {@code pattern}. */
  static NameRule parse(String pattern) {
    if (pattern == null || !pattern.startsWith("/") || pattern.length() < 2) {
      throw new IllegalArgumentException("a pattern starts with '/' and has at least one segment");
    }
    String[] parts = pattern.substring(1).split("/", -1);
    boolean rest = parts[parts.length - 1].equals("**");
    int n = rest ? parts.length - 1 : parts.length;
    String[] segments = new String[n];
    for (int i = 0; i < n; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.indexOf('*') >= 0 && !p.equals("*")) {
        throw new IllegalArgumentException("segment " + (i + 1) + " of '" + pattern
            + "' must be a non-empty literal or '*' ('**' only last)");
      }
      if (p.indexOf('?') >= 0 || p.indexOf('#') >= 0) {
        throw new IllegalArgumentException("'" + pattern + "': a pattern holds no '?' or '#'");
      }
      segments[i] = p;
    }
    return new NameRule(pattern, segments, rest);
  }

  String pattern() {
    return pattern;
  }

  /** The name rewritten by this rule, or {@code name} itself when the rule does not match it. */
  String apply(String name) {
    int slash = name.indexOf('/');
    if (slash < 0) return name;
    int end = pathEnd(name, slash);
    StringBuilder out = null;
    int copied = 0;
    int pos = slash + 1;
    for (String p : segments) {
      if (pos > end) return name;
      int next = name.indexOf('/', pos);
      if (next < 0 || next > end) next = end;
      int len = next - pos;
      if (p.equals("*")) {
        if (len == 0) return name;
        if (len != 1 || name.charAt(pos) != '*') {
          if (out == null) out = new StringBuilder(name.length());
          out.append(name, copied, pos).append('*');
          copied = next;
        }
      } else if (len != p.length() || !name.startsWith(p, pos)) {
        return name;
      }
      pos = next + 1;
    }
    if (pos <= end && !rest) return name;
    if (out == null) return name;
    return out.append(name, copied, name.length()).toString();
  }

  /** Where the path that starts at {@code slash} ends: the first {@code ?} or {@code #}, or the end. */
  static int pathEnd(String name, int slash) {
    for (int i = slash; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '?' || c == '#') return i;
    }
    return name.length();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
