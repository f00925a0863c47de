package dev.spindle.storage.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.ApiToken;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token stored before scopes existed keeps its meaning after an upgrade: admin of every project. */
class TokenScopeMigrationTest {
  @TempDir Path dir;

  @Test
  void oldTokensBecomeAdminsOfEveryProject() throws Exception {
    Path file = dir.resolve("old.duckdb");
    String hash = "a".repeat(64);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = c.createStatement()) {
      // The table as it was before scopes.
      s.execute("CREATE TABLE api_tokens (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, "
          + "sha256 VARCHAR NOT NULL, created_us BIGINT NOT NULL, revoked BOOLEAN NOT NULL)");
      s.execute("INSERT INTO api_tokens VALUES (1, 'admin', '" + hash + "', 5, false)");
    }
    try (DuckDbStorage storage = DuckDbStorage.open(file)) {
      assertEquals(Optional.of(new ApiToken(1, "admin", hash, 5, false, ApiToken.Scope.ADMIN, List.of())),
          storage.metadata().activeTokenByHash(hash));
      ApiToken read = storage.metadata().createToken("r", "b".repeat(64), ApiToken.Scope.READ, List.of(2L));
      assertEquals(2, read.id());
      assertEquals(List.of(storage.metadata().tokens().get(0), read), storage.metadata().tokens());
    }
  }
}
