package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

/**
 * A transaction-name rule of a project, learned by ingestion from high-cardinality URL paths: a
 * path pattern such as {@code /users/*}{@code /**} (the server's ingest package defines its
 * syntax and how names are rewritten).
 *
 * @param pattern   the pattern, as stored
 * @param createdUs when it was stored, microseconds since the epoch
 */
public record TransactionNameRule(String pattern, long createdUs) {
  public TransactionNameRule {
    requireNonNull(pattern, "pattern");
  }
}
