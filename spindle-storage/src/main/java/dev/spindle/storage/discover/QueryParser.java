package dev.spindle.storage.discover;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a Discover query string. Grammar (terms separated by whitespace, all ANDed):
 *
 * <pre>
 *   term   := ['!'] key ':' value | ['!'] 'has:' key | ['!'] text
 *   key    := column | tags[key] | function(args)
 *   value  := [op] (bare | '"' quoted '"') | '[' value (',' value)* ']'
 *   op     := '&gt;' | '&gt;=' | '&lt;' | '&lt;=' | '='      (numeric, duration and date fields only)
 * </pre>
 *
 * {@code *} is a wildcard in string values; {@code \} escapes the next character ({@code \*},
 * {@code \"}, {@code \\}). A quoted phrase or any word without {@code key:} is free text. The
 * word {@code AND} is allowed and ignored; {@code OR} is refused. Positions in messages are
 * 0-based character indexes.
 */
final class QueryParser {
  /** Longest accepted query, in characters. */
  static final int MAX_LENGTH = 4096;
  /** Most terms in one query. */
  static final int MAX_TERMS = 64;

  private final String q;

  private QueryParser(String q) {
    this.q = q;
  }

  static List<Condition> parse(String query) {
    if (query == null || query.isBlank()) return List.of();
    if (query.length() > MAX_LENGTH) {
      throw new DiscoverQueryException("query is " + query.length() + " characters long (at most " + MAX_LENGTH + ")");
    }
    return new QueryParser(query).terms();
  }

  private record Token(String text, int pos) {}

  private List<Token> tokens() {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = q.length();
    while (i < n) {
      if (Character.isWhitespace(q.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int depth = 0;
      int firstOpen = -1;
      while (i < n && (depth > 0 || !Character.isWhitespace(q.charAt(i)))) {
        char c = q.charAt(i);
        if (c == '\\') {
          i += 2;
          continue;
        }
        if (c == '"') {
          int close = closingQuote(i);
          if (close < 0) throw new DiscoverQueryException("unbalanced quote at position " + i);
          i = close + 1;
          continue;
        }
        if (c == '[') {
          int close = q.indexOf(']', i + 1);
          if (close < 0) throw new DiscoverQueryException("unbalanced '[' at position " + i);
          i = close + 1;
          continue;
        }
        if (c == '(') {
          if (depth == 0) firstOpen = i;
          depth++;
        } else if (c == ')') {
          if (depth == 0) throw new DiscoverQueryException("unbalanced ')' at position " + i);
          depth--;
        }
        i++;
      }
      if (depth > 0) throw new DiscoverQueryException("unbalanced '(' at position " + firstOpen);
      out.add(new Token(q.substring(start, Math.min(i, n)), start));
      if (out.size() > MAX_TERMS) {
        throw new DiscoverQueryException("too many terms in the query (at most " + MAX_TERMS + ")");
      }
    }
    return out;
  }

  /** The index of the quote closing the one at {@code open}, or -1. */
  private int closingQuote(int open) {
    for (int j = open + 1; j < q.length(); j++) {
      char c = q.charAt(j);
      if (c == '\\') j++;
      else if (c == '"') return j;
    }
    return -1;
  }

  private List<Condition> terms() {
    List<Condition> out = new ArrayList<>();
    for (Token t : tokens()) {
      String s = t.text;
      if (s.equals("AND")) continue;
      if (s.equals("OR")) {
        throw new DiscoverQueryException("OR is not supported at position " + t.pos + " (terms are ANDed)");
      }
      boolean neg = s.startsWith("!") && s.length() > 1;
      int keyStart = neg ? 1 : 0;
      int sep = separator(s, keyStart);
      if (sep <= keyStart) {
        out.add(text(s.substring(keyStart), t.pos + keyStart, neg));
        continue;
      }
      String key = s.substring(keyStart, sep);
      int keyPos = t.pos + keyStart;
      String raw = s.substring(sep + 1);
      int valuePos = t.pos + sep + 1;
      if (key.equals("has")) {
        out.add(has(raw, valuePos, neg));
        continue;
      }
      Field field = FieldParser.parse(key, keyPos);
      if (raw.isEmpty()) {
        throw new DiscoverQueryException("missing value for '" + key + "' at position " + valuePos
            + (field.isAggregate() ? "" : " (to find rows without a value use !has:" + key + ")"));
      }
      out.add(condition(field, key, raw, valuePos, neg));
    }
    return out;
  }

  /** The index of the {@code :} separating key and value (outside quotes, brackets, parens). */
  private static int separator(String s, int from) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        if (depth == 0) return -1; // a quoted phrase before any ':' is free text
      } else if (c == '[') {
        int close = s.indexOf(']', i + 1);
        i = close < 0 ? s.length() : close;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ':' && depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private Condition text(String raw, int pos, boolean neg) {
    Value v = Value.parse(raw, pos);
    if (v.plain.isEmpty()) throw new DiscoverQueryException("empty search text at position " + pos);
    return new Condition.Text(v.plain, neg);
  }

  private Condition has(String raw, int pos, boolean neg) {
    if (raw.isEmpty()) throw new DiscoverQueryException("has: needs a field at position " + pos + " (e.g. has:release)");
    Field f = FieldParser.parse(raw, pos);
    if (f.isAggregate()) {
      throw new DiscoverQueryException("has: needs a column or tag, not the function '" + raw + "' at position " + pos);
    }
    return new Condition.Has(f, neg);
  }

  private Condition condition(Field field, String key, String raw, int pos, boolean neg) {
    FieldType type = field.type();
    String what = "'" + key + "'";
    if (raw.startsWith("[")) {
      if (field.isAggregate()) {
        throw new DiscoverQueryException("a list of values is not supported on the function " + what + " at position " + pos);
      }
      if (!raw.endsWith("]")) throw new DiscoverQueryException("unexpected text after ']' at position " + (pos + raw.indexOf(']') + 1));
      List<Object> values = new ArrayList<>();
      int itemStart = 1;
      for (String item : splitList(raw.substring(1, raw.length() - 1))) {
        int itemPos = pos + itemStart + (item.length() - item.stripLeading().length());
        itemStart += item.length() + 1;
        String it = item.strip();
        if (it.isEmpty()) throw new DiscoverQueryException("empty value in the list for " + what + " at position " + itemPos);
        if (type == FieldType.STRING) {
          Value v = Value.parse(it, itemPos);
          if (v.wildcard) throw new DiscoverQueryException("wildcards are not supported in a list, at position " + itemPos);
          values.add(v.plain);
        } else {
          values.add(typed(type, unquote(it, itemPos), what, itemPos));
        }
      }
      return new Condition.In(field, values, neg);
    }
    if (type == FieldType.STRING) {
      Value v = Value.parse(raw, pos);
      if (v.wildcard) return new Condition.Match(field, v.like, neg);
      return new Condition.Compare(field, Condition.Operator.EQ, v.plain, neg);
    }
    Condition.Operator op = Condition.Operator.EQ;
    int skip = 0;
    if (raw.startsWith(">=")) { op = Condition.Operator.GE; skip = 2; }
    else if (raw.startsWith("<=")) { op = Condition.Operator.LE; skip = 2; }
    else if (raw.startsWith(">")) { op = Condition.Operator.GT; skip = 1; }
    else if (raw.startsWith("<")) { op = Condition.Operator.LT; skip = 1; }
    else if (raw.startsWith("=")) { skip = 1; }
    String rest = unquote(raw.substring(skip), pos + skip);
    if (rest.isEmpty()) throw new DiscoverQueryException("missing value after '" + raw.substring(0, skip) + "' for " + what + " at position " + (pos + skip));
    // Aggregates compare as numbers: count():>2.5 is fine.
    FieldType valueType = field.isAggregate() && type == FieldType.INTEGER ? FieldType.NUMBER : type;
    return new Condition.Compare(field, op, typed(valueType, rest, what, pos + skip), neg);
  }

  private static Object typed(FieldType type, String s, String what, int pos) {
    switch (type) {
      case DURATION: return Values.durationMs(s, what, pos);
      case DATE: return Values.timeUs(s, what, pos);
      case INTEGER: return Values.integer(s, what, pos);
      default: return Values.number(s, what, pos);
    }
  }

  private static String unquote(String s, int pos) {
    if (!s.startsWith("\"")) return s;
    return Value.parse(s, pos).plain;
  }

  private static List<String> splitList(String inner) {
    List<String> out = new ArrayList<>();
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\') i++;
      else if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) {
        out.add(inner.substring(start, i));
        start = i + 1;
      }
    }
    out.add(inner.substring(start));
    return out;
  }

  /** A string value: its literal text and, for wildcard matching, a LIKE pattern. */
  static final class Value {
    final String plain;
    final String like;
    final boolean wildcard;

    private Value(String plain, String like, boolean wildcard) {
      this.plain = plain;
      this.like = like;
      this.wildcard = wildcard;
    }

    static Value parse(String raw, int pos) {
      int from = 0;
      int to = raw.length();
      if (raw.startsWith("\"")) {
        int close = -1;
        for (int j = 1; j < raw.length(); j++) {
          char c = raw.charAt(j);
          if (c == '\\') j++;
          else if (c == '"') {
            close = j;
            break;
          }
        }
        if (close < 0) throw new DiscoverQueryException("unbalanced quote at position " + pos);
        if (close != raw.length() - 1) {
          throw new DiscoverQueryException("unexpected text after the closing quote at position " + (pos + close + 1));
        }
        from = 1;
        to = close;
      }
      StringBuilder plain = new StringBuilder();
      StringBuilder like = new StringBuilder();
      boolean wildcard = false;
      for (int i = from; i < to; i++) {
        char c = raw.charAt(i);
        if (c == '\\') {
          if (i + 1 >= to) throw new DiscoverQueryException("dangling '\\' at position " + (pos + i) + " (write \\\\ for a backslash)");
          c = raw.charAt(++i);
        } else if (c == '*') {
          wildcard = true;
          plain.append('*');
          like.append('%');
          continue;
        }
        plain.append(c);
        if (c == '%' || c == '_' || c == '\\') like.append('\\');
        like.append(c);
      }
      return new Value(plain.toString(), like.toString(), wildcard);
    }
  }
}
