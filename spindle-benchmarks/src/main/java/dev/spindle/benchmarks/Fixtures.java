package dev.spindle.benchmarks;

/** Constants shared by every SDK's fixtures, so that the three do the same work. */
final class Fixtures {
  /**
   * Children started under one long-lived parent before it is finished and replaced. Below the
   * default {@code maxSpans} of Spindle and sentry-java (1000), so no child is dropped.
   */
  static final int CHILDREN_PER_PARENT = 500;

  /** Children of the transaction in {@code transactionWith10Children}. */
  static final int CHILDREN_PER_TRANSACTION = 10;

  static final String CHILD_OP = "db.query";
  static final String CHILD_DESCRIPTION = "SELECT * FROM items WHERE id = ?";
  static final String ROOT_OP = "http.server";
  static final String ROOT_NAME = "GET /items/{id}";

  /**
   * The upstream call the {@code injectExtractW3c} fixtures' current span continues (the W3C
   * specification's example ids, sampled), so that what they inject carries a {@code tracestate}.
   */
  static final String UPSTREAM_TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String UPSTREAM_TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

  /** A DSN that is never contacted: the sinks discard everything. */
  static final String DSN = "http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1";

  private Fixtures() {}
}
