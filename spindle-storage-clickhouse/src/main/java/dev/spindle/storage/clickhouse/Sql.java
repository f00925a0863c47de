package dev.spindle.storage.clickhouse;

import static java.util.Objects.requireNonNull;

/**
 * Builds ClickHouse SQL text. ClickHouse 18.16 (Debian's) has no query parameters, so every
 * value reaches the query text through {@link #str(String)}, {@link #num(long)} or
 * {@link #num(double)} and nowhere else: this class is the one place to audit.
 *
 * <p>A string literal is single-quoted with every backslash and quote escaped, and control
 * characters written as escapes, so a value can never end the literal early. Identifiers
 * (database, cluster names) are checked against a strict pattern by {@link #ident(String)}.
 */
final class Sql {
  private final StringBuilder b = new StringBuilder(256);

  Sql(String start) {
    b.append(start);
  }

  /** Appends SQL text written by the program, never a value. */
  Sql sql(String text) {
    b.append(text);
    return this;
  }

  /** Appends a quoted string literal. */
  Sql str(String value) {
    b.append(literal(value));
    return this;
  }

  Sql num(long value) {
    b.append(value);
    return this;
  }

  Sql num(double value) {
    b.append(literal(value));
    return this;
  }

  @Override
  public String toString() {
    return b.toString();
  }

  /** The string as a ClickHouse string literal, quotes included. */
  static String literal(String value) {
    requireNonNull(value, "value");
    StringBuilder out = new StringBuilder(value.length() + 8).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\': out.append("\\\\"); break;
        case '\'': out.append("\\'"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\0': out.append("\\0"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\x%02X", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('\'').toString();
  }

  /** A value as a literal: a {@code String}, {@code Long}, {@code Integer} or finite {@code Double}. */
  static String literal(Object value) {
    if (value instanceof Long l) return Long.toString(l);
    if (value instanceof Integer i) return Integer.toString(i);
    if (value instanceof Double d) return literal((double) d);
    return literal((String) value);
  }

  /** A finite double as a literal (ClickHouse reads the plain decimal form). */
  static String literal(double value) {
    if (!Double.isFinite(value)) throw new IllegalArgumentException("value: " + value + " (expected: finite)");
    return new java.math.BigDecimal(value).toPlainString();
  }

  /** An identifier (database, table or cluster name): letters, digits and underscores only. */
  static String ident(String name) {
    requireNonNull(name, "name");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: letters, digits, underscores; at most 64)");
    }
    return name;
  }
}
