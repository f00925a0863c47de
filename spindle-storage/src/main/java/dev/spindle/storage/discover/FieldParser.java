package dev.spindle.storage.discover;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses field names: columns ({@code transaction}, {@code span.op}), tags ({@code tags[key]})
 * and aggregates ({@code p95()}, {@code percentile(duration, 0.9)}, {@code apdex(300)}).
 */
final class FieldParser {
  private static final String TAGS = "tags[";

  private FieldParser() {}

  /**
   * Parses {@code text}; {@code pos} is where it starts in the query string (for messages), or
   * -1 when it is a parameter of its own.
   */
  static Field parse(String text, int pos) {
    String t = text.strip();
    if (t.isEmpty()) throw new DiscoverQueryException("empty field name" + Values.at(pos));
    if (t.regionMatches(true, 0, TAGS, 0, TAGS.length())) {
      int close = t.indexOf(']');
      if (close != t.length() - 1) {
        throw new DiscoverQueryException("invalid tag field '" + t + "'" + Values.at(pos)
            + " (expected: tags[key], a key without ']')");
      }
      String key = t.substring(TAGS.length(), close);
      if (key.isEmpty()) throw new DiscoverQueryException("empty tag key in '" + t + "'" + Values.at(pos));
      return new Tag(key);
    }
    int open = t.indexOf('(');
    if (open < 0) {
      return Column.byName(t).orElseThrow(() -> new DiscoverQueryException("unknown field '" + t + "'"
          + Values.at(pos) + " (expected: one of " + Column.knownNames()
          + ", tags[key], or a function such as count() or p95())"));
    }
    if (!t.endsWith(")")) {
      throw new DiscoverQueryException("invalid function call '" + t + "'" + Values.at(pos) + " (expected: name(arguments))");
    }
    String name = t.substring(0, open).strip();
    Aggregate.Function fn = Aggregate.Function.byName(name).orElseThrow(() -> new DiscoverQueryException(
        "unknown function '" + name + "()'" + Values.at(pos) + " (expected: one of " + Aggregate.Function.knownNames() + ")"));
    List<String> args = args(t.substring(open + 1, t.length() - 1));
    return aggregate(fn, args, t, pos);
  }

  private static List<String> args(String inner) {
    List<String> out = new ArrayList<>();
    if (inner.isBlank()) return out;
    int depth = 0;
    int start = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '[' || c == '(') depth++;
      else if (c == ']' || c == ')') depth--;
      else if (c == ',' && depth == 0) {
        out.add(inner.substring(start, i).strip());
        start = i + 1;
      }
    }
    out.add(inner.substring(start).strip());
    return out;
  }

  private static Aggregate aggregate(Aggregate.Function fn, List<String> args, String t, int pos) {
    String name = fn.queryName() + "()";
    switch (fn) {
      case COUNT:
      case FAILURE_RATE:
      case TPM:
      case TPS:
        arity(args, 0, 0, name, t, pos);
        return new Aggregate(fn, null, 0);
      case COUNT_UNIQUE: {
        arity(args, 1, 1, name, t, pos);
        Field f = parse(args.get(0), pos);
        if (f.isAggregate()) throw new DiscoverQueryException(name + " needs a column or tag, not '" + args.get(0) + "'" + Values.at(pos));
        return new Aggregate(fn, f, 0);
      }
      case AVG:
      case SUM:
      case P50:
      case P75:
      case P95:
      case P99: {
        arity(args, 0, 1, name, t, pos);
        Field f = numeric(args, name, pos, false);
        return new Aggregate(fn, f, quantile(fn));
      }
      case MIN:
      case MAX: {
        arity(args, 0, 1, name, t, pos);
        return new Aggregate(fn, numeric(args, name, pos, true), 0);
      }
      case PERCENTILE: {
        arity(args, 2, 2, name, t, pos);
        Field f = numeric(args, name, pos, false);
        double p;
        try {
          p = Double.parseDouble(args.get(1));
        } catch (NumberFormatException e) {
          p = Double.NaN;
        }
        if (!(p >= 0 && p <= 1)) {
          throw new DiscoverQueryException("percentile(): the second argument must be a number in [0, 1], got '"
              + args.get(1) + "'" + Values.at(pos));
        }
        return new Aggregate(fn, f, p);
      }
      case APDEX:
      case USER_MISERY: {
        arity(args, 0, 1, name, t, pos);
        double threshold = args.isEmpty() ? Aggregate.DEFAULT_THRESHOLD_MS
            : Values.durationMs(args.get(0), name + " threshold", pos);
        if (!(threshold > 0)) {
          throw new DiscoverQueryException(name + " threshold must be > 0, got '" + args.get(0) + "'" + Values.at(pos));
        }
        return new Aggregate(fn, null, threshold);
      }
      default:
        throw new AssertionError(fn);
    }
  }

  private static double quantile(Aggregate.Function fn) {
    switch (fn) {
      case P50: return 0.5;
      case P75: return 0.75;
      case P95: return 0.95;
      case P99: return 0.99;
      default: return 0;
    }
  }

  private static Field numeric(List<String> args, String name, int pos, boolean timestampToo) {
    if (args.isEmpty()) return Column.DURATION;
    Field f = parse(args.get(0), pos);
    if (f == Column.DURATION || (timestampToo && f == Column.TIMESTAMP)) return f;
    throw new DiscoverQueryException(name + " needs a numeric column (" + (timestampToo ? "duration or timestamp" : "duration")
        + "), not '" + args.get(0) + "'" + Values.at(pos));
  }

  private static void arity(List<String> args, int min, int max, String name, String t, int pos) {
    if (args.size() >= min && args.size() <= max) return;
    String expected = max == 0 ? "no arguments" : min == max ? min + " argument" + (min == 1 ? "" : "s")
        : min + " to " + max + " arguments";
    throw new DiscoverQueryException(name + " takes " + expected + ", got " + args.size() + " in '" + t + "'" + Values.at(pos));
  }
}
