package dev.spindle.storage;

import java.util.List;

/**
 * The SQL expressions both backends' service-map queries share: which spans are client calls,
 * and the HTTP method, path and destination of a call, read from the span's data JSON text (OTel
 * attributes and Zipkin tags at its top level, Sentry span data under {@code data}) or, failing
 * that, its description ({@code GET http://host/path}) or transaction name ({@code GET /path}).
 *
 * <p>Values are found with RE2 regular expressions, which DuckDB and ClickHouse (18.16 too)
 * both evaluate the same way; an expression is the empty string when nothing is found.
 */
public final class ServiceMapSql {
  private ServiceMapSql() {}

  /** What differs between the two dialects for these expressions. */
  public interface Dialect {
    /** The first capture group of RE2 {@code pattern} in text {@code expr} (NULL as ''), else ''. */
    String extract(String expr, String pattern);

    /** {@code text} as a string literal. */
    String literal(String text);
  }

  /** SQL true when the operation {@code op} (a non-null expression) is a call to another component. */
  public static String clientOp(String op) {
    return "(" + op + " LIKE 'http.client%' OR " + op + " LIKE 'rpc.client%' OR " + op
        + " LIKE 'grpc.client%' OR " + op + " LIKE 'queue.publish%' OR " + op
        + " LIKE 'queue.submit%' OR " + op + " = 'db' OR " + op + " LIKE 'db.%')";
  }

  /**
   * SQL true when a call of operation {@code op} (non-null) may lose its context to a new trace
   * that can be matched by method and path: HTTP and RPC client calls (not databases or queues).
   */
  public static String matchable(String op) {
    StringBuilder b = new StringBuilder("(");
    for (String prefix : MATCHABLE_PREFIXES) {
      if (b.length() > 1) b.append(" OR ");
      b.append(op).append(" LIKE '").append(prefix).append("%'");
    }
    return b.append(')').toString();
  }

  /** {@link #matchable}, in Java: whether {@code op} (null for none) is such a call. */
  public static boolean isMatchable(String op) {
    if (op == null) return false;
    for (String prefix : MATCHABLE_PREFIXES) {
      if (op.startsWith(prefix)) return true;
    }
    return false;
  }

  private static final List<String> MATCHABLE_PREFIXES = List.of("http.client", "rpc.client", "grpc.client");

  /**
   * SQL true when a span row may be the entry of a service: a transaction root, or a span that
   * joined no transaction (an OTLP server span whose remote parent was not flagged as remote).
   * Only these rows are looked at as the children of calls, which keeps the joins small.
   */
  public static String entry() {
    return "(is_segment OR segment_id IS NULL)";
  }

  /** {@link #entry}, in Java. */
  public static boolean isEntry(SpanRow r) {
    return r.segment() || r.segmentId() == null;
  }

  /**
   * The key, in a Sentry transaction's stored data, of the fingerprint of the dynamic sampling
   * context its envelope carried: 16 lowercase hex digits, equal for equal contexts whatever their
   * trace id. A callee that received its caller's baggage carries the caller's context.
   */
  public static final String DSC_KEY = "spindle.dsc";

  /**
   * The key, in a Sentry transaction's stored data, set to {@code true} when the transaction was
   * recorded though the context it continued said {@code sampled=false}, or at a sample rate other
   * than the context's (its caller's).
   */
  public static final String SAMPLING_CHANGED_KEY = "spindle.sampling_changed";

  /** The {@link #DSC_KEY} fingerprint in a row's data, else ''. */
  public static String dsc(Dialect d, String data) {
    // no {16}: ClickHouse's SQL templates fill {name} placeholders
    return d.extract(data, jsonValue("spindle\\.dsc", "[0-9a-f]+"));
  }

  /** SQL true when a row's data says its sampling decision changed ({@link #SAMPLING_CHANGED_KEY}). */
  public static String samplingChanged(Dialect d, String data) {
    return "(" + d.extract(data, "\"spindle\\.sampling_changed\"\\s*:\\s*(true)") + " = 'true')";
  }

  /**
   * SQL true when a callee's context fingerprint {@code callee} differs from its caller's
   * {@code caller} (expressions of {@link #dsc}): both known, and not equal.
   */
  public static String baggageDropped(String callee, String caller) {
    return "(" + callee + " != '' AND " + caller + " != '' AND " + callee + " != " + caller + ")";
  }

  /** A JSON string value of one of the (regex-escaped) keys, at any depth. */
  private static String jsonValue(String keys, String valueChars) {
    return "\"(?:" + keys + ")\"\\s*:\\s*\"(" + valueChars + ")";
  }

  private static final String METHOD_KEYS = jsonValue("http\\.request\\.method|http\\.method|method", "[A-Za-z]+");
  private static final String URL_KEYS = jsonValue("url\\.full|http\\.url|url", "[^\"]*");
  private static final String PATH_KEYS = jsonValue("url\\.path|http\\.target|http\\.path", "[^\"?#]*");
  private static final String HOST_KEYS = jsonValue("server\\.address|net\\.peer\\.name", "[^\"]*");
  private static final String DB_KEYS = jsonValue("db\\.system\\.name|db\\.system", "[^\"]*");
  private static final String MESSAGING_KEYS =
      jsonValue("messaging\\.destination\\.name|messaging\\.destination|messaging\\.system", "[^\"]*");
  /** The method of {@code GET http://host/path} or {@code GET /path}. */
  private static final String TEXT_METHOD = "^([A-Z]+) ";
  /** The URL of {@code GET http://host/path}. */
  private static final String TEXT_URL = "^[A-Z]+ (\\S+)";
  /** The path of an absolute or relative URL, without query or fragment. */
  private static final String URL_PATH = "^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)";
  /** The host of an absolute URL. */
  private static final String URL_HOST = "^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]+)";

  /** The first of the expressions that is not empty, else ''. */
  private static String firstOf(String... exprs) {
    String out = "''";
    for (int i = exprs.length - 1; i >= 0; i--) {
      out = "if(" + exprs[i] + " != '', " + exprs[i] + ", " + out + ")";
    }
    return out;
  }

  /**
   * The upper-case HTTP method of a span: from its data, else from the first word of
   * {@code text} (a client span's description, a root transaction's name).
   */
  public static String method(Dialect d, String data, String text) {
    return "upper(" + firstOf(d.extract(data, METHOD_KEYS), d.extract(text, TEXT_METHOD)) + ")";
  }

  /** A client span's URL: from its data, else from its description. */
  public static String url(Dialect d, String data, String description) {
    return firstOf(d.extract(data, URL_KEYS), d.extract(description, TEXT_URL));
  }

  /**
   * The path a call went to: {@code url.path} from the data, else the path of {@code url} (an
   * expression of {@link #url}; {@code /} for a bare host), else '' .
   */
  public static String clientPath(Dialect d, String data, String url) {
    String fromUrl = d.extract(url, URL_PATH);
    return firstOf(d.extract(data, PATH_KEYS), "if(" + url + " != '', if(" + fromUrl + " != '', "
        + fromUrl + ", '/'), '')");
  }

  /**
   * The path a root transaction served: {@code url.path}/{@code http.target} from its data, else
   * the path of its URL, else the path of a {@code GET /path} transaction name.
   */
  public static String rootPath(Dialect d, String data, String transaction) {
    String url = d.extract(data, URL_KEYS);
    return firstOf(d.extract(data, PATH_KEYS), d.extract(url, URL_PATH),
        d.extract(transaction, "^[A-Z]+ (/[^ ?#]*)"));
  }

  /**
   * The name of the destination of a client span without a child transaction: {@code db.system}
   * for a database call, else the host ({@code server.address}, the URL's host), the messaging
   * destination, else the operation ({@code op}: a non-null expression, '' when unknown).
   */
  public static String leaf(Dialect d, String op, String data, String url) {
    String db = d.extract(data, DB_KEYS);
    String host = firstOf(d.extract(data, HOST_KEYS), d.extract(url, URL_HOST));
    return "if(" + op + " LIKE 'db%', " + firstOf(db, host, op, "'unknown'") + ", "
        + firstOf(host, d.extract(data, MESSAGING_KEYS), db, op, "'unknown'") + ")";
  }
}
