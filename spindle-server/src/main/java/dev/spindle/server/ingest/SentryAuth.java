package dev.spindle.server.ingest;

import dev.spindle.protocol.Dsn;
import dev.spindle.server.auth.AuthCache;
import dev.spindle.storage.Project;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates ingestion: the public key may come from {@code X-Sentry-Auth}, the
 * {@code sentry_key} query parameter or the envelope's {@code dsn} header. All that are present
 * must agree; the key must be a project's current key, and that project must be the one in the
 * path.
 */
final class SentryAuth {
  /**
   * Envelope {@code dsn} headers parsed before, by their text: an SDK sends the same one with every
   * envelope, and parsing it (three {@link java.net.URI}s) costs ~1 µs, a lookup ~50 ns
   * (BENCHMARKS.md). Bounded, as the text comes from clients; refused texts are not kept.
   */
  private static final Map<String, Dsn> DSNS = new ConcurrentHashMap<>();
  private static final int DSNS_MAX = 1024;

  private SentryAuth() {}

  /** Extracts {@code sentry_key} from an {@code X-Sentry-Auth} (or {@code Authorization: Sentry ...}) value. */
  static String keyFromHeader(String header) {
    if (header == null) return null;
    String h = header.trim();
    if (h.regionMatches(true, 0, "Sentry ", 0, 7)) h = h.substring(7);
    for (String part : h.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) continue;
      String k = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (k.equals("sentry_key")) return part.substring(eq + 1).trim();
    }
    return null;
  }

  /**
   * Resolves the project, or throws: 401 without any key or with conflicting or unknown keys, 403
   * when the key belongs to another project, 400 for a malformed project id.
   */
  static Project authenticate(AuthCache metadata, String pathProjectId, String headerKey,
      String queryKey, String dsn) {
    long projectId = parseProjectId(pathProjectId);
    Set<String> keys = new LinkedHashSet<>();
    if (headerKey != null && !headerKey.isEmpty()) keys.add(headerKey);
    if (queryKey != null && !queryKey.isEmpty()) keys.add(queryKey);
    if (dsn != null && !dsn.isEmpty()) {
      Dsn d;
      try {
        d = dsn(dsn);
      } catch (IllegalArgumentException e) {
        throw IngestException.malformed("envelope " + e.getMessage());
      }
      if (!d.projectId().equals(pathProjectId)) {
        throw IngestException.forbidden("the envelope's dsn names project " + d.projectId()
            + " but it was sent to project " + pathProjectId);
      }
      keys.add(d.publicKey());
    }
    if (keys.isEmpty()) {
      throw IngestException.unauthenticated("missing authentication: send X-Sentry-Auth, the sentry_key "
          + "query parameter or a dsn envelope header");
    }
    Project p = projectOfKey(metadata, keys);
    if (p.id() != projectId) {
      throw IngestException.forbidden("this public key is not valid for project " + projectId);
    }
    return p;
  }

  /**
   * The project of the one key in {@code keys} (not empty; OTLP/gRPC uses it directly, no path
   * naming the project there): 401 with conflicting keys or an unknown one.
   */
  static Project projectOfKey(AuthCache metadata, Set<String> keys) {
    if (keys.size() > 1) {
      throw IngestException.unauthenticated("conflicting sentry keys in the request (" + keys.size() + " different keys)");
    }
    return metadata.projectByKey(keys.iterator().next()).orElseThrow(
        () -> IngestException.unauthenticated("unknown or revoked public key"));
  }

  private static Dsn dsn(String text) {
    Dsn d = DSNS.get(text);
    if (d == null) {
      d = Dsn.parse(text);
      if (DSNS.size() < DSNS_MAX) DSNS.put(text, d);
    }
    return d;
  }

  static long parseProjectId(String s) {
    try {
      long id = Long.parseLong(s);
      if (id <= 0) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw IngestException.malformed("invalid project id '" + s + "' (expected: a positive integer)");
    }
  }
}
