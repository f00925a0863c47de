package dev.spindle.storage.duckdb;

import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.TransactionNameRule;
import dev.spindle.storage.UiSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Projects, tokens, UI sessions and transaction-name rules in DuckDB tables. Writes use the
 * writer connection under the storage's write lock; reads use their own connection, so
 * ingestion's key lookups never wait for a group commit.
 */
final class DuckDbMetadata implements MetadataStore {
  private final Connection c;
  private final Object lock;
  private final DuckDbQueries.ConnectionSource reads;

  DuckDbMetadata(Connection c, Object lock, DuckDbQueries.ConnectionSource reads) {
    this.c = c;
    this.lock = lock;
    this.reads = reads;
  }

  private static long nowUs() {
    return System.currentTimeMillis() * 1000;
  }

  @Override
  public Project createProject(String name, String publicKey) {
    synchronized (lock) {
      try {
        long id = nextId("projects");
        Project p = new Project(id, name, publicKey, true, nowUs());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO projects VALUES (?, ?, ?, ?, ?)")) {
          ps.setLong(1, p.id());
          ps.setString(2, p.name());
          ps.setString(3, p.publicKey());
          ps.setBoolean(4, p.scrubPii());
          ps.setLong(5, p.createdUs());
          ps.executeUpdate();
        }
        return p;
      } catch (SQLException e) {
        throw new StorageException("create project failed: " + e.getMessage(), e);
      }
    }
  }

  private long nextId(String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) + 1 FROM " + table);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<Project> queryProjects(String where, Object arg) {
    try (Connection rc = reads.get(); PreparedStatement ps = rc.prepareStatement(
        "SELECT id, name, public_key, scrub_pii, created_us FROM projects " + where + " ORDER BY id")) {
      if (arg instanceof Long l) ps.setLong(1, l);
      else if (arg != null) ps.setString(1, (String) arg);
      List<Project> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Project(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
              rs.getLong(5)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("project query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Project> projects() {
    return queryProjects("", null);
  }

  @Override
  public Optional<Project> project(long id) {
    return queryProjects("WHERE id = ?", id).stream().findFirst();
  }

  @Override
  public Optional<Project> projectByKey(String publicKey) {
    if (publicKey == null) return Optional.empty();
    return queryProjects("WHERE public_key = ?", publicKey).stream().findFirst();
  }

  @Override
  public Optional<Project> rotateKey(long projectId, String newPublicKey) {
    return update("UPDATE projects SET public_key = ? WHERE id = ?", newPublicKey, projectId);
  }

  @Override
  public Optional<Project> setScrubPii(long projectId, boolean scrubPii) {
    return update("UPDATE projects SET scrub_pii = ? WHERE id = ?", scrubPii, projectId);
  }

  private Optional<Project> update(String sql, Object value, long projectId) {
    synchronized (lock) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (value instanceof Boolean b) ps.setBoolean(1, b);
        else ps.setString(1, (String) value);
        ps.setLong(2, projectId);
        if (ps.executeUpdate() == 0) return Optional.empty();
      } catch (SQLException e) {
        throw new StorageException("project update failed: " + e.getMessage(), e);
      }
      return project(projectId);
    }
  }

  @Override
  public ApiToken createToken(String name, String sha256Hex, ApiToken.Scope scope, List<Long> projects) {
    synchronized (lock) {
      try {
        ApiToken t = new ApiToken(nextId("api_tokens"), name, sha256Hex, nowUs(), false, scope, projects);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens "
            + "(id, name, sha256, created_us, revoked, scope, projects) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          ps.setLong(1, t.id());
          ps.setString(2, t.name());
          ps.setString(3, t.sha256Hex());
          ps.setLong(4, t.createdUs());
          ps.setBoolean(5, false);
          ps.setString(6, t.scope().wireName());
          ps.setString(7, t.projectsText());
          ps.executeUpdate();
        }
        return t;
      } catch (SQLException e) {
        throw new StorageException("create token failed: " + e.getMessage(), e);
      }
    }
  }

  private List<ApiToken> queryTokens(String where, String arg) {
    try (Connection rc = reads.get(); PreparedStatement ps = rc.prepareStatement(
        "SELECT id, name, sha256, created_us, revoked, scope, projects FROM api_tokens " + where
            + " ORDER BY id")) {
      if (arg != null) ps.setString(1, arg);
      List<ApiToken> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ApiToken(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
              rs.getBoolean(5), rs.getString(6) == null ? ApiToken.Scope.ADMIN : ApiToken.Scope.parse(rs.getString(6)),
              ApiToken.parseProjects(rs.getString(7))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("token query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<ApiToken> tokens() {
    return queryTokens("", null);
  }

  @Override
  public Optional<ApiToken> activeTokenByHash(String sha256Hex) {
    if (sha256Hex == null) return Optional.empty();
    return queryTokens("WHERE sha256 = ? AND NOT revoked", sha256Hex).stream().findFirst();
  }

  @Override
  public boolean revokeToken(long id) {
    synchronized (lock) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET revoked = true WHERE id = ?");
          PreparedStatement sessions = c.prepareStatement(
              "DELETE FROM ui_sessions WHERE token_sha256 IN (SELECT sha256 FROM api_tokens WHERE id = ?)")) {
        ps.setLong(1, id);
        if (ps.executeUpdate() == 0) return false;
        sessions.setLong(1, id);
        sessions.executeUpdate();
        return true;
      } catch (SQLException e) {
        throw new StorageException("revoke failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void saveSession(UiSession s) {
    execute("INSERT OR REPLACE INTO ui_sessions VALUES (?, ?, ?, ?)", "save session",
        s.idSha256(), s.tokenSha256(), s.createdUs(), s.lastUsedUs());
  }

  @Override
  public Optional<UiSession> session(String idSha256) {
    if (idSha256 == null) return Optional.empty();
    try (Connection rc = reads.get(); PreparedStatement ps = rc.prepareStatement(
        "SELECT id_sha256, token_sha256, created_us, last_used_us FROM ui_sessions WHERE id_sha256 = ?")) {
      ps.setString(1, idSha256);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new UiSession(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
      }
    } catch (SQLException e) {
      throw new StorageException("session query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void deleteSession(String idSha256) {
    execute("DELETE FROM ui_sessions WHERE id_sha256 = ?", "delete session", idSha256);
  }

  @Override
  public void deleteSessionsUsedBefore(long cutoffUs) {
    execute("DELETE FROM ui_sessions WHERE last_used_us < ?", "delete sessions", cutoffUs);
  }

  @Override
  public List<TransactionNameRule> transactionNameRules(long projectId) {
    try (Connection rc = reads.get(); PreparedStatement ps = rc.prepareStatement(
        "SELECT pattern, created_us FROM transaction_name_rules WHERE project_id = ? ORDER BY pattern")) {
      ps.setLong(1, projectId);
      List<TransactionNameRule> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new TransactionNameRule(rs.getString(1), rs.getLong(2)));
      }
      return out;
    } catch (SQLException e) {
      throw new StorageException("transaction-name rule query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void addTransactionNameRule(long projectId, TransactionNameRule rule) {
    execute("INSERT OR IGNORE INTO transaction_name_rules VALUES (?, ?, ?)", "add transaction-name rule",
        projectId, rule.pattern(), rule.createdUs());
  }

  @Override
  public boolean deleteTransactionNameRule(long projectId, String pattern) {
    return execute("DELETE FROM transaction_name_rules WHERE project_id = ? AND pattern = ?",
        "delete transaction-name rule", projectId, pattern) > 0;
  }

  private int execute(String sql, String what, Object... args) {
    synchronized (lock) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        return ps.executeUpdate();
      } catch (SQLException e) {
        throw new StorageException(what + " failed: " + e.getMessage(), e);
      }
    }
  }
}
