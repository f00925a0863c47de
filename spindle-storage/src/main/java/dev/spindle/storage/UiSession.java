package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

/**
 * A web UI session, stored with the metadata so it outlives a restart. Only hashes are stored:
 * the session id's and its API token's.
 *
 * @param idSha256    the SHA-256 of the session id (the cookie's value), 64 lowercase hex
 * @param tokenSha256 the SHA-256 of the API token it was made from
 * @param createdUs   when it was made, microseconds since the epoch
 * @param lastUsedUs  when it was last used (as last recorded), microseconds since the epoch
 */
public record UiSession(String idSha256, String tokenSha256, long createdUs, long lastUsedUs) {
  public UiSession {
    requireNonNull(idSha256, "idSha256");
    requireNonNull(tokenSha256, "tokenSha256");
  }
}
