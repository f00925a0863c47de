package dev.spindle.server.api;

import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.ApiException;
import dev.spindle.storage.MetadataStore;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Web UI sessions, in memory: a session id (random, 256 bits) stands for the API token it was
 * made from. Only the SHA-256 of the id is kept, with the hash of its token and an expiry; a
 * session ends when it expires, when the user signs out, when its token is revoked, or when the
 * server restarts. The number of live sessions is bounded.
 */
final class Sessions {
  /** The cookie carrying the session id. */
  static final String COOKIE = "spindle_session";
  /** How long a session lives: 12 hours. */
  static final long TTL_MS = 12 * 3_600_000L;
  static final int MAX_SESSIONS = 10_000;

  private record Session(String tokenHash, long expiresAtMs) {}

  private final Map<String, Session> byIdHash = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  Sessions() {
    this(System::currentTimeMillis);
  }

  Sessions(LongSupplier clock) {
    this.clock = clock;
  }

  /** Starts a session for a token already known to be valid; returns the session id. */
  String create(String tokenHash) {
    long now = clock.getAsLong();
    if (byIdHash.size() >= MAX_SESSIONS) purgeExpired(now);
    if (byIdHash.size() >= MAX_SESSIONS) {
      throw new ApiException(503, "too many open sessions; sign in again later or use an API token");
    }
    String id = Tokens.newApiToken().substring(4);
    byIdHash.put(Tokens.sha256(id), new Session(tokenHash, now + TTL_MS));
    return id;
  }

  /** Whether {@code id} names a live session whose token is still active. */
  boolean isValid(String id, MetadataStore metadata) {
    if (id == null || id.isEmpty() || id.length() > 200) return false;
    String key = Tokens.sha256(id);
    Session s = byIdHash.get(key);
    if (s == null) return false;
    if (s.expiresAtMs() <= clock.getAsLong() || metadata.activeTokenByHash(s.tokenHash()).isEmpty()) {
      byIdHash.remove(key);
      return false;
    }
    return true;
  }

  /** Ends a session (no-op when unknown). */
  void end(String id) {
    if (id != null && !id.isEmpty() && id.length() <= 200) byIdHash.remove(Tokens.sha256(id));
  }

  int size() {
    return byIdHash.size();
  }

  private void purgeExpired(long now) {
    for (Iterator<Session> it = byIdHash.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAtMs() <= now) it.remove();
    }
  }
}
