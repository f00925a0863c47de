package dev.spindle.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.server.auth.Tokens;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
  @Test
  void sessionsExpireAndAreStoredHashed() {
    AtomicLong now = new AtomicLong(1_000_000);
    Sessions s = new Sessions(now::get);
    try (var storage = dev.spindle.storage.duckdb.DuckDbStorage.inMemory()) {
      String hash = Tokens.sha256("spd_x");
      storage.metadata().createToken("x", hash);
      String id = s.create(hash);
      assertTrue(s.isValid(id, storage.metadata()));
      now.addAndGet(Sessions.TTL_MS - 1);
      assertTrue(s.isValid(id, storage.metadata()));
      now.addAndGet(1);
      assertFalse(s.isValid(id, storage.metadata()), "expired");
      assertEquals(0, s.size(), "expired sessions are dropped");
      assertFalse(s.isValid(null, storage.metadata()));
      assertFalse(s.isValid("", storage.metadata()));
    }
  }}
