package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

/**
 * An API token. Only its SHA-256 hash is stored, never the token.
 *
 * @param id        positive, assigned by the store
 * @param name      a label
 * @param sha256Hex the token's SHA-256, 64 lowercase hex
 * @param createdUs creation time, microseconds since the epoch
 * @param revoked   whether it was revoked (then it authenticates nothing)
 */
public record ApiToken(long id, String name, String sha256Hex, long createdUs, boolean revoked) {
  public ApiToken {
    requireNonNull(name, "name");
    requireNonNull(sha256Hex, "sha256Hex");
  }
}
