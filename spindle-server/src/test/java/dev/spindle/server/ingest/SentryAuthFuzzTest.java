package dev.spindle.server.ingest;

import static dev.spindle.server.ingest.IngestException.Kind.FORBIDDEN;
import static dev.spindle.server.ingest.IngestException.Kind.MALFORMED;
import static dev.spindle.server.ingest.IngestException.Kind.UNAUTHENTICATED;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.spindle.server.auth.AuthCache;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.TransactionNameRule;
import dev.spindle.storage.UiSession;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Arbitrary text as ingestion's credentials: the input's lines are the path's project id, an
 * {@code X-Sentry-Auth} (or {@code Authorization: Sentry}) value, the {@code sentry_key} query
 * parameter and an envelope's {@code dsn} header (missing lines are absent). {@link SentryAuth}
 * answers the project the key belongs to, or a 400/401/403 refusal.
 */
class SentryAuthFuzzTest {
  private static final Project ONE = new Project(1, "shop", "4d5a7f2b9c1e4f3aa0b1c2d3e4f5a6b7", false, 0);
  private static final Project TWO = new Project(2, "catalog", "0123456789abcdef0123456789abcdef", true, 0);
  private static final AuthCache AUTH = new AuthCache(new Projects());

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void authenticate(byte[] data) {
    String[] lines = new String(data, UTF_8).split("\n", 4);
    String header = lines.length > 1 ? SentryAuth.keyFromHeader(lines[1]) : null;
    String query = lines.length > 2 ? lines[2] : null;
    String dsn = lines.length > 3 ? lines[3] : null;
    Project p;
    try {
      p = SentryAuth.authenticate(AUTH, lines[0], header, query, dsn);
    } catch (IngestException refused) {
      IngestContract.assertRefusal(refused, Set.of(MALFORMED, UNAUTHENTICATED, FORBIDDEN));
      return;
    }
    assertEquals(SentryAuth.parseProjectId(lines[0]), p.id());
  }

  /** Two projects, looked up by key; nothing else is asked of the store. */
  private static final class Projects implements MetadataStore {
    @Override
    public Optional<Project> projectByKey(String publicKey) {
      return List.of(ONE, TWO).stream().filter(p -> p.publicKey().equals(publicKey)).findFirst();
    }

    @Override
    public Optional<Project> project(long id) {
      return List.of(ONE, TWO).stream().filter(p -> p.id() == id).findFirst();
    }

    @Override
    public List<Project> projects() {
      return List.of(ONE, TWO);
    }

    @Override
    public Project createProject(String name, String publicKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Project> rotateKey(long projectId, String newPublicKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Project> setScrubPii(long projectId, boolean scrubPii) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ApiToken createToken(String name, String sha256Hex, ApiToken.Scope scope, List<Long> projects) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ApiToken> tokens() {
      return List.of();
    }

    @Override
    public Optional<ApiToken> activeTokenByHash(String sha256Hex) {
      return Optional.empty();
    }

    @Override
    public boolean revokeToken(long id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void saveSession(UiSession session) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<UiSession> session(String idSha256) {
      return Optional.empty();
    }

    @Override
    public void deleteSession(String idSha256) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void deleteSessionsUsedBefore(long cutoffUs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<TransactionNameRule> transactionNameRules(long projectId) {
      return List.of();
    }

    @Override
    public void addTransactionNameRule(long projectId, TransactionNameRule rule) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean deleteTransactionNameRule(long projectId, String pattern) {
      throw new UnsupportedOperationException();
    }
  }
}
