package dev.spindle.jdbc;

import java.util.Locale;

/**
 * Removes values from SQL text: string literals ({@code 'it''s'}, {@code N'x'}, {@code X'0A'},
 * {@code $$body$$}) and numeric literals ({@code 42}, {@code -1.5e3}, {@code 0xFF}) become
 * {@code ?}. Quoted identifiers ({@code "a1"}, {@code `b2`}, {@code [c3]}), identifiers containing
 * digits ({@code t1}), comments and {@code ?} placeholders are kept. Never throws; a literal left
 * open at the end is replaced up to the end.
 */
final class SqlSanitizer {
  private SqlSanitizer() {}

  static String sanitize(String sql) {
    if (sql == null) return null;
    int n = sql.length();
    StringBuilder out = new StringBuilder(n);
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'') {
        i = skipQuoted(sql, i, '\'');
        out.append('?');
      } else if ((c == 'N' || c == 'n' || c == 'X' || c == 'x' || c == 'B' || c == 'b'
          || c == 'E' || c == 'e' || c == 'U' || c == 'u')
          && i + 1 < n && sql.charAt(i + 1) == '\'' && !identifierBefore(sql, i)) {
        i = skipQuoted(sql, i + 1, '\'');
        out.append('?');
      } else if (c == '"' || c == '`') {
        int end = skipQuoted(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (c == '[') {
        int end = sql.indexOf(']', i);
        end = end < 0 ? n : end + 1;
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && i + 1 < n && sql.charAt(i + 1) == '$') {
        int end = sql.indexOf("$$", i + 2);
        i = end < 0 ? n : end + 2;
        out.append('?');
      } else if (isNumberStart(sql, i)) {
        i = skipNumber(sql, i);
        out.append('?');
      } else if (isIdentifierPart(c)) {
        // a whole word, so that digits inside identifiers (t1, col_2) stay
        int start = i;
        while (i < n && isIdentifierPart(sql.charAt(i))) i++;
        out.append(sql, start, i);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * The statement's first keyword in upper case ({@code SELECT}, {@code INSERT}, {@code WITH},
   * {@code CALL}, ...), skipping blanks, comments, parentheses and a JDBC escape's brace;
   * null when there is none.
   */
  static String operation(String sql) {
    if (sql == null) return null;
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(' || c == '{' || c == '?' || c == '=') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) i++;
    return i == start ? null : sql.substring(start, i).toUpperCase(Locale.ROOT);
  }

  /** The index after the closing quote; a doubled quote is an escaped one. */
  private static int skipQuoted(String sql, int open, char quote) {
    int n = sql.length();
    int i = open + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\\' && quote == '\'' && i + 1 < n) {
        i += 2; // MySQL-style backslash escape; harmless elsewhere
      } else if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) i += 2;
        else return i + 1;
      } else {
        i++;
      }
    }
    return n;
  }

  private static boolean isNumberStart(String sql, int i) {
    char c = sql.charAt(i);
    if (c >= '0' && c <= '9') return !identifierBefore(sql, i);
    return c == '.' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1))
        && !identifierBefore(sql, i);
  }

  private static int skipNumber(String sql, int i) {
    int n = sql.length();
    if (sql.charAt(i) == '0' && i + 1 < n && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')) {
      i += 2;
      while (i < n && Character.digit(sql.charAt(i), 16) >= 0) i++;
      return i;
    }
    while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) i++;
    if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) j++;
      if (j < n && Character.isDigit(sql.charAt(j))) {
        i = j;
        while (i < n && Character.isDigit(sql.charAt(i))) i++;
      }
    }
    // type suffixes such as 10L or 1.5D
    while (i < n && Character.isLetter(sql.charAt(i))) i++;
    return i;
  }

  private static boolean identifierBefore(String sql, int i) {
    return i > 0 && (isIdentifierPart(sql.charAt(i - 1)) || sql.charAt(i - 1) == '.' && i > 1
        && isIdentifierPart(sql.charAt(i - 2)));
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '@' || c == '#';
  }
}
