package dev.spindle.protocol.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser for envelope and item headers and client reports. Objects become
 * {@link LinkedHashMap}, arrays {@link ArrayList}, integers {@link Long}, other numbers
 * {@link Double}, {@code null} becomes Java null. Nesting is bounded ({@value #MAX_DEPTH} levels),
 * so hostile input cannot exhaust the stack. Throws {@link IllegalArgumentException} with the
 * offset on malformed input.
 */
public final class JsonReader {
  /** The deepest nesting of objects and arrays accepted. */
  public static final int MAX_DEPTH = 64;

  private final String s;
  private int pos;
  private int depth;

  private JsonReader(String s) {
    this.s = s;
  }

  /**
   * Parses a JSON object. When {@code rawMembers} is not null, the verbatim text of each top-level
   * member value is put there under its name.
   */
  public static Map<String, Object> parseObject(String json, Map<String, String> rawMembers) {
    JsonReader r = new JsonReader(json);
    r.skipWs();
    if (r.pos >= json.length() || json.charAt(r.pos) != '{') {
      throw r.error("expected a JSON object");
    }
    Map<String, Object> result = r.object(rawMembers);
    r.skipWs();
    if (r.pos != json.length()) throw r.error("unexpected trailing characters");
    return result;
  }

  /** Parses any JSON value. */
  public static Object parse(String json) {
    JsonReader r = new JsonReader(json);
    Object v = r.value();
    r.skipWs();
    if (r.pos != json.length()) throw r.error("unexpected trailing characters");
    return v;
  }

  private Object value() {
    skipWs();
    if (pos >= s.length()) throw error("unexpected end of input");
    char c = s.charAt(pos);
    switch (c) {
      case '{': return object(null);
      case '[': return array();
      case '"': return string();
      case 't': return literal("true", Boolean.TRUE);
      case 'f': return literal("false", Boolean.FALSE);
      case 'n': return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> object(Map<String, String> rawMembers) {
    enter();
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipWs();
    if (peek() == '}') {
      pos++;
      depth--;
      return map;
    }
    while (true) {
      skipWs();
      if (peek() != '"') throw error("expected a member name");
      String name = string();
      skipWs();
      if (peek() != ':') throw error("expected ':'");
      pos++;
      skipWs();
      int start = pos;
      Object v = value();
      if (rawMembers != null) rawMembers.put(name, s.substring(start, pos));
      map.put(name, v);
      skipWs();
      char c = peek();
      pos++;
      if (c == '}') {
        depth--;
        return map;
      }
      if (c != ',') throw error("expected ',' or '}'", pos - 1);
    }
  }

  private List<Object> array() {
    enter();
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipWs();
    if (peek() == ']') {
      pos++;
      depth--;
      return list;
    }
    while (true) {
      list.add(value());
      skipWs();
      char c = peek();
      pos++;
      if (c == ']') {
        depth--;
        return list;
      }
      if (c != ',') throw error("expected ',' or ']'", pos - 1);
    }
  }

  private String string() {
    pos++; // "
    StringBuilder b = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) throw error("unterminated string");
      char c = s.charAt(pos);
      if (c == '"') {
        String result = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
        pos++;
        return result;
      }
      if (c < 0x20) throw error("control character in string");
      if (c != '\\') {
        pos++;
        continue;
      }
      if (b == null) b = new StringBuilder();
      b.append(s, start, pos);
      pos++;
      if (pos >= s.length()) throw error("unterminated escape");
      char e = s.charAt(pos++);
      switch (e) {
        case '"': b.append('"'); break;
        case '\\': b.append('\\'); break;
        case '/': b.append('/'); break;
        case 'b': b.append('\b'); break;
        case 'f': b.append('\f'); break;
        case 'n': b.append('\n'); break;
        case 'r': b.append('\r'); break;
        case 't': b.append('\t'); break;
        case 'u':
          if (pos + 4 > s.length()) throw error("truncated \\u escape");
          int code = 0;
          for (int i = pos; i < pos + 4; i++) {
            char h = s.charAt(i);
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) throw error("invalid \\u escape");
            code = code << 4 | d;
          }
          b.append((char) code);
          pos += 4;
          break;
        default:
          throw error("invalid escape '\\" + e + "'", pos - 1);
      }
      start = pos;
    }
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') pos++;
    boolean integral = true;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String text = s.substring(start, pos);
    try {
      if (integral) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException tooBig) {
          return Double.parseDouble(text);
        }
      }
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw error("invalid number '" + text + "'", start);
    }
  }

  private Object literal(String word, Object value) {
    if (!s.startsWith(word, pos)) throw error("invalid literal");
    pos += word.length();
    return value;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
  }

  private char peek() {
    if (pos >= s.length()) throw error("unexpected end of input");
    return s.charAt(pos);
  }

  private void skipWs() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      pos++;
    }
  }

  private IllegalArgumentException error(String message) {
    return error(message, pos);
  }

  private IllegalArgumentException error(String message, int at) {
    return new IllegalArgumentException("invalid JSON: " + message + " at offset " + at);
  }
}
