package dev.spindle.server.ingest;

import static java.util.Objects.requireNonNull;

import dev.spindle.server.http.RateLimiter;
import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.Project;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate limits per project and per DSN key (requests a minute) and a daily quota per project
 * (spans stored per UTC day), answered the way Relay answers them: 429 with {@code Retry-After}
 * and {@code X-Sentry-Rate-Limits: <seconds>::<scope>:<reason>} (every category), so SDKs back
 * off. A refused request is counted as an outcome of reason {@code project_rate_limit},
 * {@code key_rate_limit} or {@code daily_quota} and category {@code request} (its items are not
 * decoded); the counts are written with the next accepted batch or, at most every
 * {@link #OUTCOME_FLUSH_MS}, on their own (counts whose write fails are not retried). The limits
 * are per server process.
 */
final class Quotas {
  static final long OUTCOME_FLUSH_MS = 10_000;
  private static final long DAY_MS = 86_400_000L;

  /**
   * The limits; 0 turns one off.
   *
   * @param projectPerMinute   requests a minute per project
   * @param keyPerMinute       requests a minute per DSN public key
   * @param projectSpansPerDay spans (transactions and their spans) a project may store per UTC day
   */
  record Limits(int projectPerMinute, int keyPerMinute, long projectSpansPerDay) {
    /** No limit at all: the default. */
    static final Limits NONE = new Limits(0, 0, 0);

    Limits {
      if (projectPerMinute < 0 || keyPerMinute < 0 || projectSpansPerDay < 0) {
        throw new IllegalArgumentException("limits must be >= 0 (0: none): " + projectPerMinute + ", "
            + keyPerMinute + ", " + projectSpansPerDay);
      }
    }
  }

  private final Limits limits;
  private final LongSupplier clock;
  private final RateLimiter perProject;
  private final RateLimiter perKey;
  /** Per project: {UTC day, spans stored that day}. */
  private final Map<Long, long[]> stored = new HashMap<>();
  /** Refused requests not yet written, by project and reason. */
  private final Map<Long, Map<String, Long>> refused = new HashMap<>();
  private long lastFlushMs = Long.MIN_VALUE / 2;

  Quotas(Limits limits, LongSupplier clock) {
    this.limits = requireNonNull(limits, "limits");
    this.clock = clock;
    this.perProject = limits.projectPerMinute() > 0 ? new RateLimiter(limits.projectPerMinute(), clock) : null;
    this.perKey = limits.keyPerMinute() > 0 ? new RateLimiter(limits.keyPerMinute(), clock) : null;
  }

  /** Takes a request of {@code p} (authenticated by its current key), or refuses it (429). */
  void admit(Project p) {
    long quota = limits.projectSpansPerDay();
    if (quota > 0) {
      long now = clock.getAsLong();
      if (storedToday(p.id(), now) >= quota) {
        refuse(p, (int) ((DAY_MS - now % DAY_MS + 999) / 1000), "project", "daily_quota",
            "project " + p.id() + " stored its daily quota of " + quota + " spans; it resets at 00:00 UTC");
      }
    }
    if (perProject != null) {
      int wait = (int) perProject.acquire(Long.toString(p.id()));
      if (wait > 0) {
        refuse(p, wait, "project", "project_rate_limit", "project " + p.id() + " is over its rate limit of "
            + limits.projectPerMinute() + " requests a minute");
      }
    }
    if (perKey != null) {
      int wait = (int) perKey.acquire(p.publicKey());
      if (wait > 0) {
        refuse(p, wait, "key", "key_rate_limit", "this DSN key is over its rate limit of "
            + limits.keyPerMinute() + " requests a minute");
      }
    }
  }

  /** Counts spans stored for a project towards its daily quota. */
  synchronized void stored(long projectId, int spans) {
    if (limits.projectSpansPerDay() == 0 || spans == 0) return;
    long[] day = today(projectId, clock.getAsLong());
    day[1] += spans;
  }

  /** The refused requests not yet written, as outcomes; forgets them. */
  synchronized List<ClientReportRow> drainOutcomes() {
    if (refused.isEmpty()) return List.of();
    List<ClientReportRow> out = new ArrayList<>();
    long nowUs = clock.getAsLong() * 1000;
    refused.forEach((project, reasons) -> reasons.forEach((reason, n) ->
        out.add(new ClientReportRow(project, nowUs, reason, "request", n))));
    refused.clear();
    lastFlushMs = clock.getAsLong();
    return out;
  }

  /** Whether refused requests wait and the last write of them is {@link #OUTCOME_FLUSH_MS} old. */
  synchronized boolean outcomesDue() {
    return !refused.isEmpty() && clock.getAsLong() - lastFlushMs >= OUTCOME_FLUSH_MS;
  }

  private synchronized long storedToday(long projectId, long now) {
    return today(projectId, now)[1];
  }

  private long[] today(long projectId, long now) {
    long day = now / DAY_MS;
    long[] d = stored.computeIfAbsent(projectId, id -> new long[] {day, 0});
    if (d[0] != day) {
      d[0] = day;
      d[1] = 0;
    }
    return d;
  }

  private void refuse(Project p, int retryAfterSeconds, String scope, String reason, String message) {
    synchronized (this) {
      refused.computeIfAbsent(p.id(), id -> new HashMap<>()).merge(reason, 1L, Long::sum);
    }
    throw IngestException.rateLimited(message, retryAfterSeconds, retryAfterSeconds + "::" + scope + ":" + reason);
  }
}
