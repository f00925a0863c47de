package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

/**
 * A project: what a DSN points at.
 *
 * @param id        positive, assigned by the store (the first project is 1)
 * @param name      a display name
 * @param publicKey the DSN's public key (32 hex)
 * @param scrubPii  whether server-side PII scrubbing is on (the default)
 * @param createdUs creation time, microseconds since the epoch
 */
public record Project(long id, String name, String publicKey, boolean scrubPii, long createdUs) {
  public Project {
    requireNonNull(name, "name");
    requireNonNull(publicKey, "publicKey");
  }
}
