package dev.spindle.storage;

import java.util.List;
import java.util.Optional;

/**
 * Projects, their public keys, API tokens and web UI sessions: small, transactional metadata,
 * apart from spans.
 */
public interface MetadataStore {
  /** Creates a project with the next id (1 for the first). Durable on return. */
  Project createProject(String name, String publicKey);

  /** All projects by ascending id. */
  List<Project> projects();

  Optional<Project> project(long id);

  /** The project whose <em>current</em> public key this is. */
  Optional<Project> projectByKey(String publicKey);

  /** Replaces the project's public key; the old key stops working. */
  Optional<Project> rotateKey(long projectId, String newPublicKey);

  /** Turns server-side PII scrubbing on or off for a project. */
  Optional<Project> setScrubPii(long projectId, boolean scrubPii);

  /** Stores an admin token of every project by its hash. Durable on return. */
  default ApiToken createToken(String name, String sha256Hex) {
    return createToken(name, sha256Hex, ApiToken.Scope.ADMIN, List.of());
  }

  /**
   * Stores a token by its hash with its scope and projects (empty: every project). Durable on
   * return.
   */
  ApiToken createToken(String name, String sha256Hex, ApiToken.Scope scope, List<Long> projects);

  /** All tokens, revoked ones included, by ascending id. */
  List<ApiToken> tokens();

  /** The non-revoked token with this hash. */
  Optional<ApiToken> activeTokenByHash(String sha256Hex);

  /** Revokes a token and deletes its UI sessions; false when there is no such token. */
  boolean revokeToken(long id);

  /** Stores a UI session, replacing the one with the same id hash. Durable on return. */
  void saveSession(UiSession session);

  /** The stored session with this id hash. */
  Optional<UiSession> session(String idSha256);

  /** Deletes a session (no-op when unknown). */
  void deleteSession(String idSha256);

  /** Deletes the sessions last used before {@code cutoffUs} (may complete in the background). */
  void deleteSessionsUsedBefore(long cutoffUs);

  /** The project's transaction-name rules, by pattern. */
  List<TransactionNameRule> transactionNameRules(long projectId);

  /**
   * Adds a transaction-name rule; the project's rule with the same pattern, if any, is kept as it
   * is (several nodes may learn the same rule). Durable on return.
   */
  void addTransactionNameRule(long projectId, TransactionNameRule rule);

  /** Deletes the project's rule with this pattern; false when there is none. */
  boolean deleteTransactionNameRule(long projectId, String pattern);
}
