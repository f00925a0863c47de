package dev.spindle.server.api;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.UiSession;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Web UI sessions: a session id (random, 256 bits, the cookie's value) stands for the API token
 * it was made from and has that token's access. Sessions are stored with the metadata
 * ({@link MetadataStore#saveSession}), only the SHA-256 of the id and of the token, so they
 * survive a restart; the live ones are also remembered here. A session ends when it has been idle
 * for the idle timeout, {@link #MAX_LIFETIME_MS} after it began, when the user signs out, or when
 * its token is revoked. Its last use is written back at most every {@link #touchIntervalMs} (a
 * restart may shorten its idle time by that much); sessions idle for longer than the timeout are
 * deleted from the storage every {@link #PURGE_INTERVAL_MS}. A session remembered here is read
 * again from the storage when it was last read {@link AuthCache#REFRESH_MS} ago or more, so a
 * sign-out on another node sharing the metadata ends it here within that time.
 */
final class Sessions {
  /** The cookie carrying the session id. */
  static final String COOKIE = "spindle_session";
  /** The longest a session lives, however busy: 12 hours (also the cookie's Max-Age). */
  static final long MAX_LIFETIME_MS = 12 * 3_600_000L;
  /** Sessions remembered in memory at most (the storage holds them all). */
  static final int MAX_CACHED = 10_000;
  static final long PURGE_INTERVAL_MS = 10 * 60_000L;

  private static final class Live {
    final String tokenHash;
    final long createdMs;
    volatile long lastUsedMs;
    volatile long storedLastUsedMs;
    volatile long readMs;

    Live(String tokenHash, long createdMs, long lastUsedMs, long readMs) {
      this.tokenHash = tokenHash;
      this.createdMs = createdMs;
      this.lastUsedMs = lastUsedMs;
      this.storedLastUsedMs = lastUsedMs;
      this.readMs = readMs;
    }
  }

  private final Map<String, Live> byIdHash = new ConcurrentHashMap<>();
  private final MetadataStore metadata;
  private final long idleTimeoutMs;
  private final long touchIntervalMs;
  private final LongSupplier clock;
  private volatile long lastPurgeMs;

  Sessions(MetadataStore metadata, long idleTimeoutMs, LongSupplier clock) {
    if (idleTimeoutMs < 1000) throw new IllegalArgumentException("idle timeout: " + idleTimeoutMs + " ms (expected: >= 1 s)");
    this.metadata = metadata;
    this.idleTimeoutMs = idleTimeoutMs;
    this.touchIntervalMs = Math.max(1000, Math.min(idleTimeoutMs / 10, 60_000));
    this.clock = clock;
  }

  /** Starts a session for a token already known to be active; returns the session id. */
  String create(String tokenHash) {
    long now = clock.getAsLong();
    purgeIfDue(now);
    String id = Tokens.newApiToken().substring(4);
    String key = Tokens.sha256(id);
    metadata.saveSession(new UiSession(key, tokenHash, now * 1000, now * 1000));
    remember(key, new Live(tokenHash, now, now, now), now);
    return id;
  }

  /** The active token of the live session {@code id} (and marks it used), or empty. */
  Optional<ApiToken> token(String id) {
    if (id == null || id.isEmpty() || id.length() > 200) return Optional.empty();
    String key = Tokens.sha256(id);
    long now = clock.getAsLong();
    Live s = byIdHash.get(key);
    if (s == null || now - s.readMs >= AuthCache.REFRESH_MS) {
      Optional<UiSession> stored = metadata.session(key);
      if (stored.isEmpty()) {
        if (s != null) byIdHash.remove(key);
        return Optional.empty();
      }
      UiSession u = stored.get();
      long lastUsedMs = Math.max(u.lastUsedUs() / 1000, s == null ? 0 : s.lastUsedMs);
      s = new Live(u.tokenSha256(), u.createdUs() / 1000, lastUsedMs, now);
      s.storedLastUsedMs = u.lastUsedUs() / 1000;
      remember(key, s, now);
    }
    if (expired(s, now)) {
      endByHash(key);
      return Optional.empty();
    }
    // Not cached: a token revoked by any means ends its sessions at once.
    Optional<ApiToken> token = metadata.activeTokenByHash(s.tokenHash);
    if (token.isEmpty()) {
      endByHash(key);
      return token;
    }
    s.lastUsedMs = now;
    if (now - s.storedLastUsedMs >= touchIntervalMs) {
      s.storedLastUsedMs = now;
      metadata.saveSession(new UiSession(key, s.tokenHash, s.createdMs * 1000, now * 1000));
    }
    return token;
  }

  /** Ends a session (no-op when unknown). */
  void end(String id) {
    if (id != null && !id.isEmpty() && id.length() <= 200) endByHash(Tokens.sha256(id));
  }

  /** Seconds a new session's cookie lives at most. */
  static long cookieMaxAgeSeconds() {
    return MAX_LIFETIME_MS / 1000;
  }

  int cached() {
    return byIdHash.size();
  }

  private void endByHash(String key) {
    byIdHash.remove(key);
    metadata.deleteSession(key);
  }

  private boolean expired(Live s, long now) {
    return now - s.lastUsedMs >= idleTimeoutMs || now - s.createdMs >= MAX_LIFETIME_MS;
  }

  private void remember(String key, Live s, long now) {
    if (byIdHash.size() >= MAX_CACHED) {
      for (Iterator<Live> it = byIdHash.values().iterator(); it.hasNext(); ) {
        if (expired(it.next(), now)) it.remove();
      }
      if (byIdHash.size() >= MAX_CACHED) byIdHash.clear(); // the storage still has them
    }
    byIdHash.put(key, s);
  }

  private void purgeIfDue(long now) {
    if (now - lastPurgeMs < PURGE_INTERVAL_MS) return;
    lastPurgeMs = now;
    metadata.deleteSessionsUsedBefore((now - idleTimeoutMs) * 1000);
  }
}
