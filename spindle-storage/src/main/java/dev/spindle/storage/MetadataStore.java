package dev.spindle.storage;

import java.util.List;
import java.util.Optional;

/** Projects, their public keys and API tokens: small, transactional metadata, apart from spans. */
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

  /** Stores a token by its hash. Durable on return. */
  ApiToken createToken(String name, String sha256Hex);

  /** All tokens, revoked ones included, by ascending id. */
  List<ApiToken> tokens();

  /** The non-revoked token with this hash. */
  Optional<ApiToken> activeTokenByHash(String sha256Hex);

  /** Revokes a token; false when there is no such token. */
  boolean revokeToken(long id);
}
