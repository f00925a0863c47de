package dev.spindle.server;

import dev.spindle.storage.DiscoverQuery;
import dev.spindle.storage.DiscoverQuery.Column;
import dev.spindle.storage.DiscoverQuery.Condition;
import dev.spindle.storage.DiscoverQuery.Function;
import dev.spindle.storage.DiscoverQuery.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Discover parameters: {@code field=transaction&field=p95(duration)&query=op:db
 * duration:>100ms !has:user tags[region]:eu&sort=-p95(duration)}. Every problem is a 400 naming
 * the parameter and what was expected.
 */
final class DiscoverParams {
  private static final Pattern CALL = Pattern.compile("([a-z_0-9]+)\\((.*)\\)");
  private static final Map<String, Function> FUNCTIONS = Map.ofEntries(
      Map.entry("count", Function.COUNT), Map.entry("count_unique", Function.COUNT_UNIQUE),
      Map.entry("avg", Function.AVG), Map.entry("sum", Function.SUM), Map.entry("min", Function.MIN),
      Map.entry("max", Function.MAX), Map.entry("p50", Function.P50), Map.entry("p75", Function.P75),
      Map.entry("p90", Function.P90), Map.entry("p95", Function.P95), Map.entry("p99", Function.P99),
      Map.entry("failure_rate", Function.FAILURE_RATE), Map.entry("apdex", Function.APDEX));
  private static final Map<String, String> ALIASES = Map.of(
      "transaction.op", "op", "transaction.status", "status", "transaction.duration", "duration",
      "span.op", "op", "span.description", "description", "span.duration", "duration", "trace.id", "trace",
      "project.id", "project");

  private DiscoverParams() {}

  static String field(String raw, String param) {
    String f = raw.trim();
    f = ALIASES.getOrDefault(f, f);
    if (f.startsWith("tag[")) f = "tags[" + f.substring(4);
    if (!DiscoverQuery.isField(f)) {
      throw ApiException.badRequest(param + ": unknown field '" + raw + "' (known: "
          + String.join(", ", new java.util.TreeSet<>(DiscoverQuery.FIELDS)) + ", tags[key])");
    }
    return f;
  }

  static Column column(String raw) {
    String s = raw.trim();
    Matcher m = CALL.matcher(s);
    if (!m.matches()) return new Column(s, field(s, "field"), null, null);
    Function fn = FUNCTIONS.get(m.group(1).toLowerCase(Locale.ROOT));
    if (fn == null) {
      throw ApiException.badRequest("field: unknown function '" + m.group(1) + "' (known: "
          + String.join(", ", new java.util.TreeSet<>(FUNCTIONS.keySet())) + ")");
    }
    String arg = m.group(2).trim();
    switch (fn) {
      case COUNT:
      case FAILURE_RATE:
        if (!arg.isEmpty()) throw ApiException.badRequest("field: " + s + " takes no argument");
        return new Column(s, null, fn, null);
      case APDEX: {
        double t = dev.spindle.storage.SummaryQuery.DEFAULT_APDEX_MS;
        if (!arg.isEmpty()) {
          try {
            t = Double.parseDouble(arg);
          } catch (NumberFormatException e) {
            throw ApiException.badRequest("field: " + s + " (expected: apdex(T) with T in milliseconds)");
          }
          if (!(t > 0) || t > 3_600_000) throw ApiException.badRequest("field: " + s + " (expected: 0 < T <= 3600000)");
        }
        return new Column(s, null, fn, t);
      }
      case COUNT_UNIQUE:
        if (arg.isEmpty()) throw ApiException.badRequest("field: " + s + " needs a field, e.g. count_unique(user)");
        return new Column(s, field(arg, "field"), fn, null);
      default: {
        String f = arg.isEmpty() ? "duration" : field(arg, "field");
        if (!DiscoverQuery.NUMERIC_FIELDS.contains(f)) {
          throw ApiException.badRequest("field: " + s + " needs a numeric field (" + String.join(", ", DiscoverQuery.NUMERIC_FIELDS) + ")");
        }
        return new Column(s, f, fn, null);
      }
    }
  }

  static List<Condition> conditions(String query) {
    List<Condition> out = new ArrayList<>();
    if (query == null || query.isBlank()) return out;
    for (String t : SearchParams.tokens(query)) {
      boolean neg = t.startsWith("!");
      String body = neg ? t.substring(1) : t;
      int colon = body.indexOf(':');
      if (colon <= 0 || body.startsWith("\"")) {
        throw ApiException.badRequest("query: '" + t + "' is not a key:value term (free text is not supported here)");
      }
      String key = body.substring(0, colon);
      String value = SearchParams.unquote(body.substring(colon + 1));
      if (key.equals("has")) {
        out.add(new Condition(field(value, "query"), neg ? Op.NOT_HAS : Op.HAS, null));
        continue;
      }
      String f = field(key, "query");
      Op op = neg ? Op.NEQ : Op.EQ;
      String v = value;
      if (!neg) {
        for (String[] p : new String[][] {{">=", "GTE"}, {"<=", "LTE"}, {">", "GT"}, {"<", "LT"}}) {
          if (v.startsWith(p[0])) {
            op = Op.valueOf(p[1]);
            v = v.substring(p[0].length());
            break;
          }
        }
      }
      if (v.isEmpty()) throw ApiException.badRequest("query: empty value in '" + t + "'");
      if (f.equals("duration")) {
        Long us = SearchParams.durationUs(v, "query");
        v = Double.toString(us / 1000.0);
      } else if (DiscoverQuery.NUMERIC_FIELDS.contains(f)) {
        try {
          Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("query: '" + t + "' (expected: a number for " + f + ")");
        }
      } else if (op != Op.EQ && op != Op.NEQ) {
        throw ApiException.badRequest("query: '" + t + "': " + f + " is not numeric, only key:value and !key:value apply");
      }
      out.add(new Condition(f, op, v));
    }
    return out;
  }

  static List<DiscoverQuery.Sort> sort(List<String> sorts, List<Column> columns) {
    List<DiscoverQuery.Sort> out = new ArrayList<>();
    for (String raw : sorts) {
      if (raw == null || raw.isBlank()) continue;
      boolean desc = raw.startsWith("-");
      String label = (desc ? raw.substring(1) : raw).trim();
      int idx = -1;
      for (int i = 0; i < columns.size(); i++) if (columns.get(i).label().equals(label)) idx = i;
      if (idx < 0) throw ApiException.badRequest("sort: '" + raw + "' is not one of the selected fields");
      out.add(new DiscoverQuery.Sort(idx, desc));
    }
    return out;
  }
}
