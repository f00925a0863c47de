package dev.spindle.server;

import java.util.Locale;

/**
 * What a server process does. {@link #ALL} is the single-machine mode; the others split the work
 * over machines with Kafka between ingestion and storage.
 */
public enum Role {
  /** Ingestion, storage writes and the API in one process (no Kafka). */
  ALL,
  /** Validates envelopes and OTLP, answers 2xx once Kafka has the rows ({@code acks=all}). */
  INGEST,
  /** Consumes Kafka in batches and writes storage, committing offsets after each write. */
  WRITER,
  /** Serves the query and admin API. */
  QUERY;

  /** Whether this role accepts envelopes and OTLP. */
  boolean ingests() {
    return this == ALL || this == INGEST;
  }

  /** Whether this role serves the query and admin API. */
  boolean queries() {
    return this == ALL || this == QUERY;
  }

  /** {@code all}, {@code ingest}, {@code writer} or {@code query}. */
  public static Role parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role: '" + s + "' (expected: all, ingest, writer or query)", e);
    }
  }
}
