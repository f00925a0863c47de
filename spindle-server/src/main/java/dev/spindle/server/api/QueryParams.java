package dev.spindle.server.api;

import dev.spindle.server.http.ApiException;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Filter;
import dev.spindle.storage.SummaryQuery;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query API's one parameter parser: the time range, the project, periods, durations, limits
 * and search strings. Every mistake is a 400 naming the parameter and what was expected.
 */
final class QueryParams {
  private static final Pattern PERIOD = Pattern.compile("(\\d{1,9})([smhdw])");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s|m|h)?");
  private static final Map<String, Filter.Field> KEYS = Map.of(
      "transaction", Filter.Field.TRANSACTION,
      "op", Filter.Field.OP,
      "transaction.op", Filter.Field.OP,
      "status", Filter.Field.STATUS,
      "transaction.status", Filter.Field.STATUS,
      "environment", Filter.Field.ENVIRONMENT,
      "release", Filter.Field.RELEASE,
      "service", Filter.Field.SERVICE,
      "platform", Filter.Field.PLATFORM,
      "user", Filter.Field.USER);

  private QueryParams() {}

  /** The period: {@code start} and {@code end}, or {@code statsPeriod} back from now (default 24h). */
  static long[] range(Context ctx) {
    Long start = timeUs(ctx.queryParam("start"), "start");
    Long end = timeUs(ctx.queryParam("end"), "end");
    if (start != null || end != null) {
      if (start == null || end == null) throw ApiException.badRequest("start and end go together");
      if (end <= start) throw ApiException.badRequest("end must be after start");
      return new long[] {start, end};
    }
    String period = ctx.queryParam("statsPeriod");
    long p = periodUs(period == null || period.isBlank() ? "24h" : period, "statsPeriod");
    long now = System.currentTimeMillis() * 1000;
    return new long[] {now - p, now + 1};
  }

  /**
   * The {@code project} parameter, or null for every project, within what the request's token may
   * see: 403 for a project it may not see; without the parameter, a token of one project means
   * that project and a token of several must name one (403).
   */
  static Long project(Context ctx) {
    String p = ctx.queryParam("project");
    ApiToken token = Access.token(ctx);
    if (p == null || p.isBlank()) {
      if (token.allProjects()) return null;
      if (token.projects().size() == 1) return token.projects().get(0);
      throw ApiException.forbidden("this API token sees " + TokenAuth.projects(token) + " only: pass project=<id>");
    }
    long id = id(p.trim(), "project");
    if (!token.maySee(id)) throw ApiException.forbidden(TokenAuth.notVisible(token, id));
    return id;
  }

  /** A positive integer id (a project, a token). */
  static long id(String s, String what) {
    try {
      long id = Long.parseLong(s);
      if (id <= 0) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + what + " id '" + s + "' (expected: a positive integer)");
    }
  }

  /**
   * The summary parameters every transaction view takes: range, {@code project}, {@code query}
   * and {@code apdexThreshold}.
   */
  static SummaryQuery summary(Context ctx, int limit) {
    long[] r = range(ctx);
    List<Filter> filters = filters(ctx.queryParam("query"));
    String t = ctx.queryParam("apdexThreshold");
    double apdex = SummaryQuery.DEFAULT_APDEX_MS;
    if (t != null && !t.isBlank()) apdex = durationUs(t, "apdexThreshold") / 1000.0;
    if (apdex <= 0) throw ApiException.badRequest("apdexThreshold must be > 0");
    return new SummaryQuery(project(ctx), r[0], r[1], filters, apdex, limit);
  }

  /** The {@code limit} parameter. */
  static int limit(Context ctx, int dflt, int max) {
    return intParam(ctx.queryParam("limit"), "limit", dflt, 1, max);
  }

  /** {@code 24h}, {@code 7d}, {@code 90m}... in microseconds. */
  static long periodUs(String s, String param) {
    Matcher m = PERIOD.matcher(s.trim());
    if (!m.matches()) {
      throw ApiException.badRequest(param + ": '" + s + "' (expected: a number and one of s, m, h, d, w, e.g. 24h)");
    }
    long n = Long.parseLong(m.group(1));
    long unit;
    switch (m.group(2)) {
      case "s": unit = 1_000_000L; break;
      case "m": unit = 60_000_000L; break;
      case "h": unit = 3_600_000_000L; break;
      case "d": unit = 86_400_000_000L; break;
      default: unit = 7 * 86_400_000_000L; break;
    }
    if (n <= 0 || n > Long.MAX_VALUE / unit / 2) throw ApiException.badRequest(param + ": '" + s + "' is out of range");
    return n * unit;
  }

  /** A duration ({@code 250ms}, {@code 2s}, a bare number is milliseconds) in microseconds. */
  static Long durationUs(String s, String param) {
    if (s == null || s.isBlank()) return null;
    Matcher m = DURATION.matcher(s.trim());
    if (!m.matches()) throw ApiException.badRequest(param + ": '" + s + "' (expected: e.g. 250ms, 2s)");
    double v = Double.parseDouble(m.group(1));
    String u = m.group(2) == null ? "ms" : m.group(2);
    double us;
    switch (u) {
      case "us": us = v; break;
      case "s": us = v * 1e6; break;
      case "m": us = v * 6e7; break;
      case "h": us = v * 3.6e9; break;
      default: us = v * 1e3; break;
    }
    if (us > 1e17) throw ApiException.badRequest(param + ": '" + s + "' is out of range");
    return (long) us;
  }

  /** A time: float seconds since the epoch or RFC 3339, in microseconds. */
  static Long timeUs(String s, String param) {
    if (s == null || s.isBlank()) return null;
    Long us = Timestamps.micros(Json.MAPPER.getNodeFactory().textNode(s));
    if (us == null) throw ApiException.badRequest(param + ": '" + s + "' (expected: RFC 3339 or seconds since the epoch)");
    return us;
  }

  /**
   * A search string: {@code key:value} and {@code !key:value} terms (values may be quoted), any
   * other word is a case-insensitive match on the transaction name. Unknown keys are a 400.
   */
  static List<Filter> filters(String query) {
    List<Filter> out = new ArrayList<>();
    if (query == null || query.isBlank()) return out;
    List<String> tokens = tokens(query);
    StringBuilder free = new StringBuilder();
    for (String t : tokens) {
      int colon = t.indexOf(':');
      if (colon <= 0 || t.startsWith("\"")) {
        if (free.length() > 0) free.append(' ');
        free.append(unquote(t));
        continue;
      }
      boolean neg = t.startsWith("!");
      String key = t.substring(neg ? 1 : 0, colon).toLowerCase(Locale.ROOT);
      String value = unquote(t.substring(colon + 1));
      Filter.Field f = KEYS.get(key);
      if (f == null) {
        throw ApiException.badRequest("query: unknown key '" + key + "' (known: "
            + String.join(", ", new java.util.TreeSet<>(KEYS.keySet())) + ")");
      }
      if (value.isEmpty()) throw ApiException.badRequest("query: empty value for '" + key + "'");
      out.add(new Filter(f, value, neg));
    }
    if (free.length() > 0) out.add(Filter.eq(Filter.Field.TRANSACTION_CONTAINS, free.toString()));
    return out;
  }

  static List<String> tokens(String q) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (Character.isWhitespace(c) && !quoted) {
        if (cur.length() > 0) out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) throw ApiException.badRequest("query: unbalanced quote");
    if (cur.length() > 0) out.add(cur.toString());
    return out;
  }

  static String unquote(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) return s.substring(1, s.length() - 1);
    return s;
  }

  static int intParam(String s, String param, int dflt, int min, int max) {
    if (s == null || s.isBlank()) return dflt;
    try {
      int v = Integer.parseInt(s.trim());
      if (v < min || v > max) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(param + ": '" + s + "' (expected: an integer in [" + min + ", " + max + "])");
    }
  }
}
