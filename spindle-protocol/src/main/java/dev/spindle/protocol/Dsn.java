package dev.spindle.protocol;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A parsed Data Source Name: where and as whom the SDK sends envelopes (and OTLP), and which
 * project key an envelope's {@code dsn} header names to the server.
 *
 * <p>Format: {@code {scheme}://{public_key}[:{secret}]@{host}[:{port}]{path}/{project_id}}, for
 * example {@code https://abc123@spindle.example.com/42} or
 * {@code http://key@localhost:8080/tracing/7}. Immutable and thread-safe.
 */
public final class Dsn {
  private final String raw;
  private final String scheme;
  private final String publicKey;
  private final String secretKey;
  private final String host;
  private final int port;
  private final String path;
  private final String projectId;
  private final URI envelopeUri;
  private final URI otlpTracesUri;

  private Dsn(String raw, String scheme, String publicKey, String secretKey, String host, int port,
      String path, String projectId) {
    this.raw = raw;
    this.scheme = scheme;
    this.publicKey = publicKey;
    this.secretKey = secretKey;
    this.host = host;
    this.port = port;
    this.path = path;
    this.projectId = projectId;
    String api = scheme + "://" + host + (port == -1 ? "" : ":" + port) + path + "/api/" + projectId;
    this.envelopeUri = URI.create(api + "/envelope/");
    this.otlpTracesUri = URI.create(api + "/integration/otlp/v1/traces");
  }

  /**
   * Parses a DSN.
   *
   * @throws IllegalArgumentException with a message naming the offending part when {@code dsn} is
   *     not a valid DSN
   * @throws NullPointerException when {@code dsn} is null
   */
  public static Dsn parse(String dsn) {
    requireNonNull(dsn, "dsn");
    String s = dsn.trim();
    if (s.isEmpty()) throw new IllegalArgumentException("dsn: empty (expected: " + FORMAT + ")");
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      // the reason and index only: the message would repeat the input, secret included
      throw new IllegalArgumentException("dsn: not a valid URI: " + e.getReason() + " at index "
          + e.getIndex());
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException("dsn: missing scheme in " + quote(s)
          + " (expected: " + FORMAT + ")");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("dsn: scheme " + quote(scheme)
          + " (expected: http or https)");
    }
    if (uri.isOpaque()) {
      throw new IllegalArgumentException("dsn: missing '//' after scheme in " + quote(s));
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("dsn: missing or invalid host in " + quote(s));
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty()) {
      throw new IllegalArgumentException("dsn: missing public key before '@' in " + quote(s)
          + " (expected: " + FORMAT + ")");
    }
    String publicKey;
    String secretKey = null;
    int colon = userInfo.indexOf(':');
    if (colon >= 0) {
      publicKey = userInfo.substring(0, colon);
      secretKey = userInfo.substring(colon + 1);
      if (secretKey.isEmpty()) secretKey = null;
    } else {
      publicKey = userInfo;
    }
    if (publicKey.isEmpty()) {
      throw new IllegalArgumentException("dsn: empty public key in " + quote(s));
    }
    int port = uri.getPort();
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("dsn: unexpected query or fragment in " + quote(s));
    }
    String fullPath = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (fullPath.endsWith("/")) fullPath = fullPath.substring(0, fullPath.length() - 1);
    int slash = fullPath.lastIndexOf('/');
    String projectId = slash < 0 ? "" : fullPath.substring(slash + 1);
    if (projectId.isEmpty()) {
      throw new IllegalArgumentException("dsn: missing project id at the end of the path in "
          + quote(s) + " (expected: " + FORMAT + ")");
    }
    String path = fullPath.substring(0, slash);
    return new Dsn(s, scheme, publicKey, secretKey, host.toLowerCase(Locale.ROOT), port, path,
        projectId);
  }

  private static final String FORMAT =
      "{scheme}://{public_key}[:{secret}]@{host}[:{port}]{path}/{project_id}";

  private static String quote(String s) {
    // Never echo a secret key into logs or exception messages.
    int at = s.indexOf('@');
    int schemeEnd = s.indexOf("://");
    if (at > 0 && schemeEnd >= 0 && schemeEnd < at) {
      int colon = s.indexOf(':', schemeEnd + 3);
      if (colon > 0 && colon < at) s = s.substring(0, colon + 1) + "***" + s.substring(at);
    }
    return "'" + s + "'";
  }

  /** {@code http} or {@code https}, lower case. */
  public String scheme() {
    return scheme;
  }

  public String publicKey() {
    return publicKey;
  }

  /** The legacy secret key, or null when the DSN has none. */
  public String secretKey() {
    return secretKey;
  }

  /** The host, lower case; IPv6 literals keep their brackets. */
  public String host() {
    return host;
  }

  /** The explicit port, or -1 when the DSN has none (the scheme's default applies). */
  public int port() {
    return port;
  }

  /** The path before the project id, without a trailing slash; empty when there is none. */
  public String path() {
    return path;
  }

  public String projectId() {
    return projectId;
  }

  /** {@code {scheme}://{host}[:{port}]{path}/api/{project_id}/envelope/}. */
  public URI envelopeUri() {
    return envelopeUri;
  }

  /** {@code {scheme}://{host}[:{port}]{path}/api/{project_id}/integration/otlp/v1/traces}. */
  public URI otlpTracesUri() {
    return otlpTracesUri;
  }

  /**
   * The {@code X-Sentry-Auth} header value:
   * {@code Sentry sentry_version=7, sentry_client=<clientNameVersion>, sentry_key=<public>}
   * followed by {@code , sentry_secret=<secret>} when the DSN has a secret.
   *
   * @param clientNameVersion for example {@code spindle.java/0.1.0}
   */
  public String authHeader(String clientNameVersion) {
    requireNonNull(clientNameVersion, "clientNameVersion");
    StringBuilder b = new StringBuilder(96)
        .append("Sentry sentry_version=7, sentry_client=").append(clientNameVersion)
        .append(", sentry_key=").append(publicKey);
    if (secretKey != null) b.append(", sentry_secret=").append(secretKey);
    return b.toString();
  }

  /**
   * True when {@code url} points at this DSN's server (same host and effective port) under a
   * project's ingest prefix {@code {path}/api/<project_id>/}, so integrations can avoid tracing or propagating to the tracing
   * server itself. Never throws; an unparseable or null URL is not an ingest URL.
   */
  public boolean isIngestUrl(String url) {
    if (url == null) return false;
    try {
      URI u = new URI(url.trim());
      String h = u.getHost();
      if (h == null || !h.equalsIgnoreCase(host)) return false;
      String s = u.getScheme() == null ? scheme : u.getScheme().toLowerCase(Locale.ROOT);
      if (effectivePort(s, u.getPort()) != effectivePort(scheme, port)) return false;
      String p = u.getRawPath() == null ? "" : u.getRawPath();
      if (!p.startsWith(path + "/api/")) return false;
      // Ingest paths name a project: /api/<project_id>/envelope/, /api/<project_id>/integration/...
      int start = path.length() + "/api/".length();
      int i = start;
      while (i < p.length() && Character.isDigit(p.charAt(i))) i++;
      return i > start && i < p.length() && p.charAt(i) == '/';
    } catch (URISyntaxException | RuntimeException e) {
      return false;
    }
  }

  private static int effectivePort(String scheme, int port) {
    if (port != -1) return port;
    return "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dsn && ((Dsn) o).raw.equals(raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  /** The DSN as given, with any secret key replaced by {@code ***} (safe to log). */
  @Override
  public String toString() {
    String q = quote(raw);
    return q.substring(1, q.length() - 1);
  }
}
