package dev.spindle.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.TransactionNameRule;
import dev.spindle.storage.UiSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Projects, tokens, UI sessions and transaction-name rules in ReplacingMergeTree tables keyed by
 * id (rules: project and pattern): a change inserts a newer version of the row and reads use
 * {@code FINAL}. In cluster mode the tables are Distributed ones sharded
 * by that key, so every version of a row is on one shard and every node sees the same metadata.
 * Ids come from {@code max(id) + 1} under this object's lock, so one process at a time should run
 * admin changes (the query nodes' admin API).
 */
final class ClickHouseMetadata implements MetadataStore {
  private static final AtomicLong LAST_VERSION = new AtomicLong();
  /**
   * Selected (and unused) by every {@code FINAL} read: 18.16 answers "Cannot find column version"
   * to a {@code FINAL} read of a Distributed table that leaves out the version column.
   */
  private static final String VERSION = "version";

  private final ClickHouseHttp http;
  private final String projects;
  private final String tokens;
  private final String sessions;
  private final String nameRules;
  private final Map<String, String> insertSettings;
  private final String sessionsToPurge;

  /**
   * @param insertSettings  settings of every insert (cluster mode: synchronous distributed inserts)
   * @param sessionsToPurge the MergeTree table of UI sessions on this node, where old ones are deleted
   */
  ClickHouseMetadata(ClickHouseHttp http, String db, Map<String, String> insertSettings, String sessionsToPurge) {
    this.http = http;
    this.projects = db + ".projects";
    this.tokens = db + ".api_tokens";
    this.sessions = db + ".ui_sessions";
    this.nameRules = db + ".transaction_name_rules";
    this.insertSettings = insertSettings;
    this.sessionsToPurge = sessionsToPurge;
  }

  private static long nowUs() {
    return System.currentTimeMillis() * 1000;
  }

  /** Strictly increasing across calls in this JVM and, via the clock, across restarts. */
  private static long nextVersion() {
    long now = nowUs();
    return LAST_VERSION.updateAndGet(last -> Math.max(last + 1, now));
  }

  private void insert(String table, Map<String, Object> row) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ClickHouseHttp.JSON.writeValue(out, row);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.insert(table, out.toByteArray(), insertSettings);
  }

  private void putProject(Project p) {
    insert(projects, Map.of("id", p.id(), "name", p.name(), "public_key", p.publicKey(),
        "scrub_pii", p.scrubPii() ? 1 : 0, "created_us", p.createdUs(), "version", nextVersion()));
  }

  private void putToken(ApiToken t) {
    insert(tokens, Map.of("id", t.id(), "name", t.name(), "sha256", t.sha256Hex(),
        "created_us", t.createdUs(), "revoked", t.revoked() ? 1 : 0, "scope", t.scope().wireName(),
        "projects", t.projectsText(), "version", nextVersion()));
  }

  private void putSession(UiSession s, boolean ended) {
    insert(sessions, Map.of("id_sha256", s.idSha256(), "token_sha256", s.tokenSha256(),
        "created_us", s.createdUs(), "last_used_us", s.lastUsedUs(), "ended", ended ? 1 : 0,
        "version", nextVersion()));
  }

  private long nextId(String table) {
    return http.query("SELECT max(id) + 1 AS next FROM " + table).get(0).get("next").asLong();
  }

  @Override
  public synchronized Project createProject(String name, String publicKey) {
    Project p = new Project(nextId(projects), name, publicKey, true, nowUs());
    putProject(p);
    return p;
  }

  private List<Project> queryProjects(String where) {
    List<Project> out = new ArrayList<>();
    for (JsonNode r : http.query("SELECT id, name, public_key, scrub_pii, created_us, " + VERSION + " FROM " + projects
        + " FINAL" + where + " ORDER BY id")) {
      out.add(new Project(r.get("id").asLong(), r.get("name").asText(), r.get("public_key").asText(),
          r.get("scrub_pii").asInt() == 1, r.get("created_us").asLong()));
    }
    return out;
  }

  @Override
  public List<Project> projects() {
    return queryProjects("");
  }

  @Override
  public Optional<Project> project(long id) {
    return queryProjects(new Sql(" WHERE id = ").num(id).toString()).stream().findFirst();
  }

  @Override
  public Optional<Project> projectByKey(String publicKey) {
    if (publicKey == null) return Optional.empty();
    return queryProjects(new Sql(" WHERE public_key = ").str(publicKey).toString()).stream().findFirst();
  }

  @Override
  public synchronized Optional<Project> rotateKey(long projectId, String newPublicKey) {
    Optional<Project> p = project(projectId);
    p.ifPresent(old -> putProject(new Project(old.id(), old.name(), newPublicKey, old.scrubPii(), old.createdUs())));
    return project(projectId);
  }

  @Override
  public synchronized Optional<Project> setScrubPii(long projectId, boolean scrubPii) {
    Optional<Project> p = project(projectId);
    p.ifPresent(old -> putProject(new Project(old.id(), old.name(), old.publicKey(), scrubPii, old.createdUs())));
    return project(projectId);
  }

  @Override
  public synchronized ApiToken createToken(String name, String sha256Hex, ApiToken.Scope scope,
      List<Long> projectIds) {
    ApiToken t = new ApiToken(nextId(tokens), name, sha256Hex, nowUs(), false, scope, projectIds);
    putToken(t);
    return t;
  }

  private List<ApiToken> queryTokens(String where) {
    List<ApiToken> out = new ArrayList<>();
    for (JsonNode r : http.query("SELECT id, name, sha256, created_us, revoked, scope, projects, " + VERSION + " FROM " + tokens
        + " FINAL" + where + " ORDER BY id")) {
      out.add(new ApiToken(r.get("id").asLong(), r.get("name").asText(), r.get("sha256").asText(),
          r.get("created_us").asLong(), r.get("revoked").asInt() == 1, ApiToken.Scope.parse(r.get("scope").asText()),
          ApiToken.parseProjects(r.get("projects").asText())));
    }
    return out;
  }

  @Override
  public List<ApiToken> tokens() {
    return queryTokens("");
  }

  @Override
  public Optional<ApiToken> activeTokenByHash(String sha256Hex) {
    if (sha256Hex == null) return Optional.empty();
    return queryTokens(new Sql(" WHERE sha256 = ").str(sha256Hex).sql(" AND revoked = 0").toString())
        .stream().findFirst();
  }

  @Override
  public synchronized boolean revokeToken(long id) {
    Optional<ApiToken> t = queryTokens(new Sql(" WHERE id = ").num(id).toString()).stream().findFirst();
    if (t.isEmpty()) return false;
    ApiToken old = t.get();
    putToken(new ApiToken(old.id(), old.name(), old.sha256Hex(), old.createdUs(), true, old.scope(), old.projects()));
    for (UiSession s : querySessions(new Sql(" WHERE token_sha256 = ").str(old.sha256Hex()).toString())) {
      putSession(s, true);
    }
    return true;
  }

  private List<UiSession> querySessions(String where) {
    List<UiSession> out = new ArrayList<>();
    for (JsonNode r : http.query("SELECT id_sha256, token_sha256, created_us, last_used_us, " + VERSION + " FROM " + sessions
        + " FINAL" + where + " AND ended = 0")) {
      out.add(new UiSession(r.get("id_sha256").asText(), r.get("token_sha256").asText(),
          r.get("created_us").asLong(), r.get("last_used_us").asLong()));
    }
    return out;
  }

  @Override
  public void saveSession(UiSession s) {
    putSession(s, false);
  }

  @Override
  public Optional<UiSession> session(String idSha256) {
    if (idSha256 == null) return Optional.empty();
    return querySessions(new Sql(" WHERE id_sha256 = ").str(idSha256).toString()).stream().findFirst();
  }

  /** Shadows the session with a newer, ended version (a plain insert; the rows go at the next purge). */
  @Override
  public void deleteSession(String idSha256) {
    session(idSha256).ifPresent(s -> putSession(new UiSession(s.idSha256(), s.tokenSha256(), s.createdUs(), nowUs()), true));
  }

  /**
   * A mutation, applied in the background; versions are written in last-use order, so no live one
   * goes. In cluster mode it deletes on this node's shard only (ended and idle sessions are refused
   * wherever they are; this only frees space).
   */
  @Override
  public void deleteSessionsUsedBefore(long cutoffUs) {
    http.execute("ALTER TABLE " + sessionsToPurge + new Sql(" DELETE WHERE last_used_us < ").num(cutoffUs));
  }

  @Override
  public List<TransactionNameRule> transactionNameRules(long projectId) {
    List<TransactionNameRule> out = new ArrayList<>();
    for (JsonNode r : http.query("SELECT pattern, created_us, " + VERSION + " FROM " + nameRules + " FINAL"
        + new Sql(" WHERE project_id = ").num(projectId).sql(" AND deleted = 0 ORDER BY pattern"))) {
      out.add(new TransactionNameRule(r.get("pattern").asText(), r.get("created_us").asLong()));
    }
    return out;
  }

  /** Several nodes may add the same rule at once: the table keeps one version, either is right. */
  @Override
  public void addTransactionNameRule(long projectId, TransactionNameRule rule) {
    if (ruleExists(projectId, rule.pattern())) return;
    putRule(projectId, rule, false);
  }

  @Override
  public boolean deleteTransactionNameRule(long projectId, String pattern) {
    if (!ruleExists(projectId, pattern)) return false;
    putRule(projectId, new TransactionNameRule(pattern, nowUs()), true);
    return true;
  }

  private boolean ruleExists(long projectId, String pattern) {
    return !http.query("SELECT pattern, " + VERSION + " FROM " + nameRules + " FINAL" + new Sql(" WHERE project_id = ").num(projectId)
        .sql(" AND pattern = ").str(pattern).sql(" AND deleted = 0")).isEmpty();
  }

  private void putRule(long projectId, TransactionNameRule rule, boolean deleted) {
    insert(nameRules, Map.of("project_id", projectId, "pattern", rule.pattern(), "created_us", rule.createdUs(),
        "deleted", deleted ? 1 : 0, "version", nextVersion()));
  }
}
