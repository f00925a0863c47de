package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sentry's default server-side PII scrubbing: values under sensitive keys, and credit cards (Luhn
 * checked), PEM private keys, IBANs, US SSNs, credentials in URLs and {@code Bearer} tokens inside
 * any string, become {@code [Filtered]}.
 */
final class Scrubber {
  static final String FILTERED = "[Filtered]";
  private static final Pattern SENSITIVE_KEY = Pattern.compile(
      "(?i)(password|secret|passwd|api[-_]key|apikey|auth|credentials|mysql_pwd|privatekey"
          + "|private[-_]key|token|session[-_]?id|csrf|xsrf|cookie)");
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN[A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END[A-Z ]*PRIVATE KEY-----");
  private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]+");
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s:@]+:[^/\\s@]+@");
  private static final Pattern SSN = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
  private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b");
  private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");

  /** Answers of {@link #sensitiveKey} for keys seen before; bounded, keys come from clients. */
  private static final Map<String, Boolean> KEY_CACHE = new ConcurrentHashMap<>();
  private static final int KEY_CACHE_MAX = 4096;

  private Scrubber() {}

  static boolean sensitiveKey(String key) {
    if (key == null) return false;
    Boolean known = KEY_CACHE.get(key);
    if (known != null) return known;
    boolean sensitive = SENSITIVE_KEY.matcher(key).find();
    if (KEY_CACHE.size() < KEY_CACHE_MAX) KEY_CACHE.put(key, sensitive);
    return sensitive;
  }

  /**
   * Scrubs the patterns inside a free-text value. Each pattern runs only when the text holds what
   * any match of it needs (a literal, or enough digits); the replacements add no digits and none
   * of those literals, so the checks on the original text are valid for every step.
   */
  static String scrubText(String s) {
    if (s == null || s.isEmpty()) return s;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') digits++;
    }
    String r = s;
    if (s.contains("-----BEGIN")) r = PEM.matcher(r).replaceAll(FILTERED);
    if (containsIgnoreCase(r, "bearer")) {
      r = BEARER.matcher(r).replaceAll("Bearer " + Matcher.quoteReplacement(FILTERED));
    }
    if (r.contains("://") && r.indexOf('@') >= 0) {
      r = URL_CREDENTIALS.matcher(r).replaceAll("$1" + Matcher.quoteReplacement(FILTERED + ":" + FILTERED + "@"));
    }
    if (digits >= 9 && r.indexOf('-') >= 0) r = SSN.matcher(r).replaceAll(FILTERED); // ddd-dd-dddd
    if (digits >= 2 && hasIbanStart(r)) r = IBAN.matcher(r).replaceAll(FILTERED);
    if (digits < 13) return r; // a card number has 13 to 19 digits
    Matcher m = CARD.matcher(r);
    StringBuilder b = null;
    int last = 0;
    while (m.find()) {
      if (!luhn(m.group())) continue;
      if (b == null) b = new StringBuilder();
      b.append(r, last, m.start()).append(FILTERED);
      last = m.end();
    }
    if (b != null) r = b.append(r, last, r.length()).toString();
    return r;
  }

  /** Whether {@code s} holds {@code lower} (lowercase ASCII letters) in any case. */
  private static boolean containsIgnoreCase(String s, String lower) {
    char first = lower.charAt(0);
    for (int i = 0, last = s.length() - lower.length(); i <= last; i++) {
      if ((s.charAt(i) | 0x20) == first && s.regionMatches(true, i, lower, 0, lower.length())) return true;
    }
    return false;
  }

  /** Whether {@code s} holds what every IBAN starts with: two capital letters and two digits. */
  private static boolean hasIbanStart(String s) {
    for (int i = 0, last = s.length() - 4; i <= last; i++) {
      if (isUpper(s.charAt(i)) && isUpper(s.charAt(i + 1)) && isDigit(s.charAt(i + 2))
          && isDigit(s.charAt(i + 3))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean luhn(String s) {
    int sum = 0;
    int n = 0;
    boolean alt = false;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') continue;
      int d = c - '0';
      if (alt) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      alt = !alt;
      n++;
    }
    return n >= 13 && n <= 19 && sum % 10 == 0;
  }

  static Map<String, String> scrubTags(Map<String, String> tags) {
    if (tags.isEmpty()) return tags;
    Map<String, String> out = new LinkedHashMap<>();
    tags.forEach((k, v) -> out.put(k, sensitiveKey(k) ? FILTERED : scrubText(v)));
    return out;
  }

  /** Scrubs a JSON tree in place: values under sensitive keys and every string. */
  static JsonNode scrubTree(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        JsonNode v = e.getValue();
        JsonNode scrubbed = sensitiveKey(e.getKey()) && v != null && !v.isNull()
            ? TextNode.valueOf(FILTERED) : scrubTree(v);
        if (scrubbed != v) e.setValue(scrubbed);
      }
      return o;
    }
    if (node instanceof ArrayNode a) {
      // [key, value] pairs (Sentry's header and tag lists) are scrubbed by key.
      if (a.size() == 2 && a.get(0).isTextual() && sensitiveKey(a.get(0).asText())
          && !a.get(1).isContainerNode()) {
        a.set(1, TextNode.valueOf(FILTERED));
        return a;
      }
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        JsonNode scrubbed = scrubTree(v);
        if (scrubbed != v) a.set(i, scrubbed);
      }
      return a;
    }
    if (node != null && node.isTextual()) {
      String s = node.asText();
      String r = scrubText(s);
      return r.equals(s) ? node : TextNode.valueOf(r);
    }
    return node;
  }
}
