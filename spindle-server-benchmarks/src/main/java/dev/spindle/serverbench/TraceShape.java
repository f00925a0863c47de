package dev.spindle.serverbench;

import java.util.SplittableRandom;

/**
 * One generated trace: a root transaction of {@link #SPANS} spans (the root and 20 children),
 * optionally split so that spans {@link #SECOND_ROOT}.. form a second transaction of a downstream
 * service whose root is a child of an {@code http.client} span of the first. Ids are random (fresh
 * every time); times are microseconds since the epoch.
 */
final class TraceShape {
  /** Spans per trace: one root and 20 children. */
  static final int SPANS = 21;
  /** Index of the second transaction's root, when the trace has two. */
  static final int SECOND_ROOT = 11;

  final String traceId;
  final String[] eventIds; // one per transaction
  final String[] spanIds = new String[SPANS];
  final int[] parent = new int[SPANS]; // -1 for the root
  final long[] startUs = new long[SPANS];
  final long[] endUs = new long[SPANS];
  final int[] kind = new int[SPANS]; // index into Catalog.OPS; -1 for a transaction root
  final int[] description = new int[SPANS];
  final int[] thread = new int[SPANS];
  final boolean twoTransactions;
  final int[] transactionName; // per transaction, index into Catalog.TRANSACTIONS
  final boolean failed; // the first transaction failed (internal_error) in one db span
  final int failedSpan;
  final String user;
  final String release;
  final int statusCode;

  /**
   * @param rnd          the random source
   * @param startUs      the root's start
   * @param twoTxChance  the probability of a second, downstream transaction (0 for ingestion)
   * @param errorChance  the probability that the trace failed
   */
  TraceShape(SplittableRandom rnd, long startUs, double twoTxChance, double errorChance) {
    traceId = Hex.id128(rnd);
    twoTransactions = rnd.nextDouble() < twoTxChance;
    int txCount = twoTransactions ? 2 : 1;
    eventIds = new String[txCount];
    transactionName = new int[txCount];
    for (int t = 0; t < txCount; t++) eventIds[t] = Hex.id128(rnd);
    // Skewed popularity: a few names get most of the traffic.
    transactionName[0] = (int) Math.min(19, Math.floor(Math.abs(rnd.nextDouble() * rnd.nextDouble()) * 20));
    if (twoTransactions) transactionName[1] = 4 + rnd.nextInt(16); // a backend service
    failed = rnd.nextDouble() < errorChance;
    user = "u" + rnd.nextInt(50_000);
    release = Catalog.RELEASES[rnd.nextInt(Catalog.RELEASES.length)];
    statusCode = failed ? 500 : 200;

    // Root duration: log-normal around 80 ms; children laid out inside it.
    long rootDur = Math.max(2_000, (long) (80_000 * Math.exp(rnd.nextGaussian() * 0.8)));
    for (int i = 0; i < SPANS; i++) spanIds[i] = Hex.id64(rnd);
    this.startUs[0] = startUs;
    endUs[0] = startUs + rootDur;
    parent[0] = -1;
    kind[0] = -1;
    int threadOfRoot = rnd.nextInt(Catalog.THREADS.length);
    long slot = rootDur / SPANS;
    for (int i = 1; i < SPANS; i++) {
      // Children 1..5 hang under the root, the others under one of them: a tree three deep.
      parent[i] = i <= 5 ? 0 : 1 + (i - 6) % 5;
      kind[i] = (i - 1) % Catalog.OPS.length;
      description[i] = rnd.nextInt(Catalog.DESCRIPTIONS[kind[i]].length);
      thread[i] = threadOfRoot;
      this.startUs[i] = startUs + slot * i;
      endUs[i] = this.startUs[i] + 1 + (long) (slot * (0.3 + 0.6 * rnd.nextDouble()));
    }
    if (twoTransactions) {
      // The second transaction's root is served by the downstream service, caused by span 2
      // (an http.client span): it starts inside it; its children 12..20 hang under it.
      parent[SECOND_ROOT] = 2;
      kind[SECOND_ROOT] = -1;
      this.startUs[SECOND_ROOT] = this.startUs[2] + 50;
      endUs[SECOND_ROOT] = Math.max(this.startUs[SECOND_ROOT] + 1, endUs[2] - 50);
      endUs[2] = Math.max(endUs[2], endUs[SECOND_ROOT] + 50);
      long inner = (endUs[SECOND_ROOT] - this.startUs[SECOND_ROOT]) / 10;
      for (int i = SECOND_ROOT + 1; i < SPANS; i++) {
        parent[i] = SECOND_ROOT;
        this.startUs[i] = this.startUs[SECOND_ROOT] + inner * (i - SECOND_ROOT);
        endUs[i] = this.startUs[i] + 1 + inner / 2;
      }
    }
    failedSpan = failed ? 1 : -1; // span 1 is a db.query of the first transaction
  }

  /** The transaction (0 or 1) span {@code i} belongs to. */
  int transactionOf(int i) {
    return twoTransactions && i >= SECOND_ROOT ? 1 : 0;
  }

  /** Whether span {@code i} is a transaction root. */
  boolean isRoot(int i) {
    return i == 0 || (twoTransactions && i == SECOND_ROOT);
  }

  /** Number of spans of transaction {@code t}, its root included. */
  int spanCount(int t) {
    if (!twoTransactions) return SPANS;
    return t == 0 ? SECOND_ROOT : SPANS - SECOND_ROOT;
  }

  int firstSpan(int t) {
    return t == 0 ? 0 : SECOND_ROOT;
  }

  String status(int i) {
    if (!failed) return "ok";
    return i == failedSpan || i == 0 ? "internal_error" : "ok";
  }

  String op(int i) {
    return kind[i] < 0 ? "http.server" : Catalog.OPS[kind[i]];
  }

  String description(int i) {
    return kind[i] < 0 ? null : Catalog.DESCRIPTIONS[kind[i]][description[i]];
  }

  String origin(int i) {
    return kind[i] < 0 ? "auto.http.servlet" : Catalog.ORIGINS[kind[i]];
  }

  String threadName(int i) {
    return Catalog.THREADS[thread[i]];
  }
}
