package dev.spindle.storage.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Project;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A token stored before scopes existed keeps its meaning after an upgrade (admin of every
 * project): the columns are added to the old table, also on 18.16, which has no
 * {@code ADD COLUMN IF NOT EXISTS}.
 */
class TokenScopeMigrationTest {
  @Test
  void oldTokensBecomeAdminsOfEveryProject() {
    String db = "spindle_t_tokens_" + Long.toHexString(ProcessHandle.current().pid());
    ClickHouseHttp http = new ClickHouseHttp(LocalClickHouse.url(), null, null, Duration.ofSeconds(30));
    String hash = "a".repeat(64);
    http.execute("DROP DATABASE IF EXISTS " + db);
    http.execute("CREATE DATABASE " + db);
    // The table as it was before scopes.
    http.execute("CREATE TABLE " + db + ".api_tokens (id UInt64, name String, sha256 String, created_us Int64, "
        + "revoked UInt8, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY id");
    http.execute("INSERT INTO " + db + ".api_tokens VALUES (1, 'admin', '" + hash + "', 5, 0, 1)");
    try (ClickHouseStorage storage = ClickHouseStorage.builder(LocalClickHouse.url()).database(db).open()) {
      assertEquals(Optional.of(new ApiToken(1, "admin", hash, 5, false, ApiToken.Scope.ADMIN, List.of())),
          storage.metadata().activeTokenByHash(hash));
      ApiToken read = storage.metadata().createToken("r", "b".repeat(64), ApiToken.Scope.READ, List.of(2L));
      assertEquals(List.of(storage.metadata().tokens().get(0), read), storage.metadata().tokens());
    } finally {
      http.execute("DROP DATABASE IF EXISTS " + db);
    }
  }

  @Test
  void aClusterWhoseMetadataPredatesSharingKeepsItsPlainTables() {
    String cluster = LocalClickHouse.cluster();
    Assumptions.assumeTrue(cluster != null, "no cluster configured (SPINDLE_CLICKHOUSE_CLUSTER)");
    String db = "spindle_t_plain_" + Long.toHexString(ProcessHandle.current().pid());
    ClickHouseHttp http = new ClickHouseHttp(LocalClickHouse.url(), null, null, Duration.ofSeconds(30));
    http.execute("DROP DATABASE IF EXISTS " + db);
    http.execute("CREATE DATABASE " + db);
    http.execute("CREATE TABLE " + db + ".projects (id UInt64, name String, public_key String, scrub_pii UInt8,"
        + " created_us Int64, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY id");
    http.execute("INSERT INTO " + db + ".projects VALUES (1, 'old', 'k1', 1, 5, 1)");
    try (ClickHouseStorage storage = ClickHouseStorage.builder(LocalClickHouse.url()).database(db).cluster(cluster).open()) {
      assertEquals(List.of(new Project(1, "old", "k1", true, 5)), storage.metadata().projects());
      storage.metadata().createToken("t", "e".repeat(64));
      assertEquals(1, storage.metadata().tokens().size());
      assertEquals("ReplacingMergeTree", http.query("SELECT engine FROM system.tables WHERE database = '" + db
          + "' AND name = 'api_tokens'").get(0).get("engine").asText(), "all metadata tables stay plain");
    } finally {
      http.execute("DROP DATABASE IF EXISTS " + db);
    }
  }
}
