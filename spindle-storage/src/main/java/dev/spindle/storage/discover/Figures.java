package dev.spindle.storage.discover;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * Sentry's performance figures, each defined here once and written in a backend's SQL through
 * its {@link Functions}: Discover's aggregates, the transaction summary and the time series all
 * read them from here. A figure aggregates the rows of a group; its inputs are row-level SQL
 * expressions (the duration in milliseconds, the status, the user, the sample rate), and every
 * value it needs — thresholds, quantiles, the period — goes through
 * {@link DiscoverSql.Writer#value}, never into the text.
 *
 * <ul>
 *   <li>failures: rows whose status is neither {@code ok}, {@code cancelled} nor {@code unknown}
 *       ({@code unknown_error} is its older name); failure rate: failures / rows.
 *   <li>Apdex(T): (satisfied + tolerating / 2) / rows, satisfied ≤ T, T &lt; tolerating ≤ 4T.
 *   <li>user misery(T): (miserable users + 5.8875) / (users + 5.8875 + 111.8625), a miserable
 *       user having had a row slower than 4T; the constants are Sentry's prior.
 *   <li>percentile(q): the continuous quantile q of the durations.
 *   <li>estimated count: Σ 1 / sample rate; tpm, tps: rows per minute, second of the period.
 *   <li>an operation's covered time in a transaction (the summary's "where the time goes", as
 *       Sentry's operation breakdown): the length of the union of its spans' intervals, each
 *       clipped to the transaction's; its share: covered time summed over the transactions /
 *       their summed duration, so parallel spans count once and shares never pass 100 %.
 * </ul>
 *
 * Over no rows (an aggregate without {@code GROUP BY} that matched nothing), failure rate, Apdex
 * and percentiles are NULL, counts and rates 0, and user misery is the prior alone.
 */
public final class Figures {
  private static final String NOT_FAILED = "('ok', 'cancelled', 'unknown', 'unknown_error')";
  /** User misery's prior: miserable and satisfied users every group starts with. */
  private static final String MISERABLE_PRIOR = "5.8875";
  private static final String SATISFIED_PRIOR = "111.8625";

  /**
   * The aggregate functions of one SQL dialect: all a backend writes of a figure. Conditions
   * are written into the same {@link DiscoverSql.Writer} by the figure.
   */
  public interface Functions {
    /** The number of rows. */
    String count();

    /** Writes the number of rows where {@code condition} holds. */
    void countIf(DiscoverSql.Writer sql, Consumer<DiscoverSql.Writer> condition);

    /** The number of distinct non-null values of {@code expr}. */
    String countDistinct(String expr);

    /**
     * Writes the number of distinct non-null values of {@code expr} in rows
     * where {@code condition} holds.
     */
    void countDistinctIf(DiscoverSql.Writer sql, String expr, Consumer<DiscoverSql.Writer> condition);

    /**
     * {@code function} ({@code avg}, {@code sum}, {@code min} or {@code max}) of the non-null
     * values of {@code expr}, NULL when there are none.
     */
    String aggregate(String function, String expr);

    /**
     * Writes the continuous quantile {@code q} of the non-null values of {@code expr}, NULL when
     * there are none.
     */
    void quantile(DiscoverSql.Writer sql, String expr, double q);
  }

  /**
   * The row-level expressions the figures of a transaction summary read.
   *
   * @param durationMs the duration in milliseconds
   * @param status     the span status
   * @param user       the user, NULL when unknown
   * @param sampleRate the sample rate the transaction was kept with
   */
  public record Inputs(String durationMs, String status, String user, String sampleRate) {
    public Inputs {
      requireNonNull(durationMs, "durationMs");
      requireNonNull(status, "status");
      requireNonNull(user, "user");
      requireNonNull(sampleRate, "sampleRate");
    }
  }

  private final Functions fn;

  public Figures(Functions functions) {
    this.fn = requireNonNull(functions, "functions");
  }

  /** The dialect's aggregate functions. */
  public Functions functions() {
    return fn;
  }

  /** SQL true when {@code status} counts as a failure (also used by the service map). */
  public static String failed(String status) {
    return "(" + status + " NOT IN " + NOT_FAILED + ")";
  }

  /** Writes the number of failed rows. */
  public void failures(DiscoverSql.Writer sql, String status) {
    fn.countIf(sql, c -> c.add(failed(status)));
  }

  /** Writes the failure rate: failed rows / rows. */
  public void failureRate(DiscoverSql.Writer sql, String status) {
    failures(sql, status);
    sql.add(" / nullif(" + fn.count() + ", 0)");
  }

  /** Writes Apdex with threshold {@code thresholdMs}. */
  public void apdex(DiscoverSql.Writer sql, String durationMs, double thresholdMs) {
    sql.add("(");
    fn.countIf(sql, c -> c.add(durationMs + " <= ").value(thresholdMs));
    sql.add(" + ");
    fn.countIf(sql, c -> c.add(durationMs + " > ").value(thresholdMs)
        .add(" AND " + durationMs + " <= ").value(4 * thresholdMs));
    sql.add(" / 2.0) / nullif(" + fn.count() + ", 0)");
  }

  /** Writes user misery with threshold {@code thresholdMs}. */
  public void userMisery(DiscoverSql.Writer sql, String durationMs, String user, double thresholdMs) {
    sql.add("(");
    fn.countDistinctIf(sql, user, c -> c.add(durationMs + " > ").value(4 * thresholdMs));
    sql.add(" + " + MISERABLE_PRIOR + ") / (" + fn.countDistinct(user) + " + " + MISERABLE_PRIOR
        + " + " + SATISFIED_PRIOR + ")");
  }

  /** Writes the continuous quantile {@code q} (in [0, 1]) of the durations. */
  public void percentile(DiscoverSql.Writer sql, String durationMs, double q) {
    fn.quantile(sql, durationMs, q);
  }

  /** Writes the estimated count: each row stands for 1 / its sample rate. */
  public void estimatedCount(DiscoverSql.Writer sql, String sampleRate) {
    sql.add("sum(1.0 / " + sampleRate + ")");
  }

  /** Writes tpm: rows per minute of a period of {@code periodUs}. */
  public void perMinute(DiscoverSql.Writer sql, long periodUs) {
    sql.add(fn.count() + " / ").value(periodUs / 60_000_000.0);
  }

  /** Writes tps: rows per second of a period of {@code periodUs}. */
  public void perSecond(DiscoverSql.Writer sql, long periodUs) {
    sql.add(fn.count() + " / ").value(periodUs / 1_000_000.0);
  }

  /**
   * Writes the select list of a {@code TransactionSummary} after its name: {@code n},
   * {@code est}, {@code tpm}, {@code p50}, {@code p75}, {@code p95}, {@code p99},
   * {@code failure_rate}, {@code apdex}, {@code user_misery}.
   */
  public void summary(DiscoverSql.Writer sql, Inputs in, double thresholdMs, long periodUs) {
    sql.add(fn.count() + " AS n, ");
    estimatedCount(sql, in.sampleRate());
    sql.add(" AS est, ");
    perMinute(sql, periodUs);
    sql.add(" AS tpm, ");
    for (int p : new int[] {50, 75, 95, 99}) {
      percentile(sql, in.durationMs(), p / 100.0);
      sql.add(" AS p" + p + ", ");
    }
    failureRate(sql, in.status());
    sql.add(" AS failure_rate, ");
    apdex(sql, in.durationMs(), thresholdMs);
    sql.add(" AS apdex, ");
    userMisery(sql, in.durationMs(), in.user(), thresholdMs);
    sql.add(" AS user_misery");
  }

  /**
   * Writes the select list of a {@code TimeBucket} after its start: {@code n}, {@code tpm},
   * {@code p95}, {@code failure_rate}, for buckets of {@code intervalUs}.
   */
  public void timeBucket(DiscoverSql.Writer sql, String durationMs, String status, long intervalUs) {
    sql.add(fn.count() + " AS n, ");
    perMinute(sql, intervalUs);
    sql.add(" AS tpm, ");
    percentile(sql, durationMs, 0.95);
    sql.add(" AS p95, ");
    failureRate(sql, status);
    sql.add(" AS failure_rate");
  }
}
