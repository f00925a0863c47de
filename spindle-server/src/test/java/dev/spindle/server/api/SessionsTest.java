package dev.spindle.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.UiSession;
import dev.spindle.storage.duckdb.DuckDbStorage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
  static final long IDLE_MS = 30 * 60_000L;

  final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void sessionsEndWhenIdleAndAreStoredHashed() {
    try (DuckDbStorage storage = DuckDbStorage.inMemory()) {
      Sessions s = new Sessions(storage.metadata(), IDLE_MS, now::get);
      String hash = Tokens.sha256("spd_x");
      ApiToken t = storage.metadata().createToken("x", hash, ApiToken.Scope.READ, List.of(1L));
      String id = s.create(hash);
      assertEquals(Optional.of(t), s.token(id), "the session has its token's scope and projects");
      UiSession stored = storage.metadata().session(Tokens.sha256(id)).orElseThrow();
      assertEquals(hash, stored.tokenSha256(), "only hashes are stored");
      // Used now and then, it lives on past the idle timeout...
      for (int i = 0; i < 3; i++) {
        now.addAndGet(IDLE_MS - 1);
        assertTrue(s.token(id).isPresent());
      }
      // ...and its last use reached the storage (at most a minute behind).
      assertTrue(storage.metadata().session(Tokens.sha256(id)).orElseThrow().lastUsedUs() >= (now.get() - 60_000) * 1000);
      now.addAndGet(IDLE_MS);
      assertFalse(s.token(id).isPresent(), "idle for the timeout");
      assertEquals(Optional.empty(), storage.metadata().session(Tokens.sha256(id)), "deleted from the storage");
      assertEquals(0, s.cached());
      assertFalse(s.token(null).isPresent());
      assertFalse(s.token("").isPresent());
      assertFalse(s.token("x".repeat(201)).isPresent());
    }
  }

  @Test
  void sessionsOutliveTheProcessButNotTheirLifetimeOrToken() {
    try (DuckDbStorage storage = DuckDbStorage.inMemory()) {
      String hash = Tokens.sha256("spd_y");
      ApiToken t = storage.metadata().createToken("y", hash);
      String id = new Sessions(storage.metadata(), IDLE_MS, now::get).create(hash);
      // A new Sessions over the same storage: what a restarted server has.
      Sessions restarted = new Sessions(storage.metadata(), IDLE_MS, now::get);
      now.addAndGet(IDLE_MS / 2);
      assertEquals(Optional.of(t), restarted.token(id));
      for (long used = IDLE_MS / 2; used < Sessions.MAX_LIFETIME_MS - IDLE_MS / 2; used += IDLE_MS / 2) {
        now.addAndGet(IDLE_MS / 2);
        assertTrue(restarted.token(id).isPresent());
      }
      now.addAndGet(IDLE_MS / 2);
      assertFalse(restarted.token(id).isPresent(), "12 hours after sign-in, however busy");

      String other = restarted.create(hash);
      assertTrue(restarted.token(other).isPresent());
      assertTrue(storage.metadata().revokeToken(t.id()));
      assertFalse(restarted.token(other).isPresent(), "revoked with its token");
      restarted.end(other);
    }
  }

  @Test
  void aSignOutOnOneNodeEndsTheSessionOnTheOthersWithinTheRefreshTime() {
    try (DuckDbStorage storage = DuckDbStorage.inMemory()) {
      // Two query nodes over one metadata store.
      Sessions a = new Sessions(storage.metadata(), IDLE_MS, now::get);
      Sessions b = new Sessions(storage.metadata(), IDLE_MS, now::get);
      String hash = Tokens.sha256("spd_w");
      storage.metadata().createToken("w", hash);
      String id = a.create(hash);
      assertTrue(b.token(id).isPresent(), "a session made on one node works on the others");
      a.end(id);
      assertFalse(a.token(id).isPresent());
      now.addAndGet(AuthCache.REFRESH_MS);
      assertFalse(b.token(id).isPresent(), "ended elsewhere, read again after the refresh time");
      assertEquals(0, b.cached());
    }
  }

  @Test
  void signOutEndsTheStoredSessionAndIdleOnesArePurged() {
    try (DuckDbStorage storage = DuckDbStorage.inMemory()) {
      Sessions s = new Sessions(storage.metadata(), IDLE_MS, now::get);
      String hash = Tokens.sha256("spd_z");
      storage.metadata().createToken("z", hash);
      String idle = s.create(hash);
      String gone = s.create(hash);
      s.end(gone);
      assertEquals(Optional.empty(), storage.metadata().session(Tokens.sha256(gone)));
      now.addAndGet(Sessions.PURGE_INTERVAL_MS + IDLE_MS);
      s.create(hash); // purges what was idle for longer than the timeout
      assertEquals(Optional.empty(), storage.metadata().session(Tokens.sha256(idle)));
    }
  }
}
