package dev.spindle.server.auth;

import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers public-key and token lookups for {@link #REFRESH_MS}, so ingestion does not query the
 * metadata tables on every request. Admin changes made through this process's API clear it at
 * once; nodes sharing the metadata (scale-out roles on one ClickHouse) see a key rotated, a
 * project created or a token revoked elsewhere at most {@link #REFRESH_MS} later.
 */
public final class AuthCache {
  /** The longest a lookup is remembered: the bound on how late other nodes see an admin change. */
  public static final long REFRESH_MS = 5_000;
  private static final long TTL_NANOS = REFRESH_MS * 1_000_000L;
  private static final int MAX_ENTRIES = 10_000;

  private record Entry<V>(V value, long expires) {}

  private final MetadataStore metadata;
  private final ConcurrentHashMap<String, Entry<Optional<Project>>> projects = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry<Optional<ApiToken>>> tokens = new ConcurrentHashMap<>();

  public AuthCache(MetadataStore metadata) {
    this.metadata = metadata;
  }

  public Optional<Project> projectByKey(String key) {
    long now = System.nanoTime();
    Entry<Optional<Project>> e = projects.get(key);
    if (e != null && now - e.expires < 0) return e.value;
    Optional<Project> p = metadata.projectByKey(key);
    if (projects.size() >= MAX_ENTRIES) projects.clear();
    projects.put(key, new Entry<>(p, now + TTL_NANOS));
    return p;
  }

  /** The active (not revoked) token with this SHA-256. */
  public Optional<ApiToken> token(String sha256Hex) {
    long now = System.nanoTime();
    Entry<Optional<ApiToken>> e = tokens.get(sha256Hex);
    if (e != null && now - e.expires < 0) return e.value;
    Optional<ApiToken> t = metadata.activeTokenByHash(sha256Hex);
    if (tokens.size() >= MAX_ENTRIES) tokens.clear();
    tokens.put(sha256Hex, new Entry<>(t, now + TTL_NANOS));
    return t;
  }

  /** Forgets every lookup: call after an admin change. */
  public void clear() {
    projects.clear();
    tokens.clear();
  }
}
