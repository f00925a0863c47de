package dev.spindle.storage;

import java.util.Set;

/**
 * Which calls the service map covers.
 *
 * @param projectId        one project, or {@code null} for all; a call belongs to a project when
 *                         its caller's or its callee's row does
 * @param startUs          inclusive lower bound on the end of the call's span, microseconds
 * @param endUs            exclusive upper bound on the end of the call's span, microseconds
 * @param skewUs           the least clock skew allowed when a root transaction is matched to a
 *                         client span that lost its context: the root may start this much (or
 *                         the skew measured between the two services, {@link ClockSkew}) before
 *                         the client span starts or after it ends ({@link #DEFAULT_SKEW_US})
 * @param seriesIntervalUs the bucket width of each edge's lost-share series, or 0 for no series
 * @param visibleProjects  the projects whose services the asker may see by name, empty for every
 *                         project: a service of another project is shown as
 *                         {@link ServiceMap#ANOTHER_PROJECT}, without its calls' descriptions
 */
public record ServiceMapQuery(Long projectId, long startUs, long endUs, long skewUs, long seriesIntervalUs,
    Set<Long> visibleProjects) {
  /** The default clock skew allowed between two hosts whose skew was not measured larger: 2 seconds. */
  public static final long DEFAULT_SKEW_US = 2_000_000L;

  /**
   * The longest window in which a root transaction is looked for: a client span's window, from
   * its start less the skew, is cut to this length less {@link ClockSkew#MAX_US} after its start (a
   * call hanging for minutes is matched to a root that started in its first minute), which keeps
   * the matching a join on equal time buckets.
   */
  public static final long MATCH_WINDOW_US = 60_000_000L;

  /** How long before the period a linked call's parent span may have started: 1 hour. */
  public static final long PARENT_LOOKBACK_US = 3_600_000_000L;

  /** How many lost or orphaned calls each edge gives as examples, newest first. */
  public static final int EXAMPLES = 5;

  /** The most buckets a series may have. */
  public static final int MAX_BUCKETS = 2000;

  public ServiceMapQuery {
    visibleProjects = Set.copyOf(visibleProjects);
    if (endUs <= startUs) {
      throw new IllegalArgumentException("endUs: " + endUs + " (expected: > startUs " + startUs + ")");
    }
    if (skewUs < 0 || skewUs >= MATCH_WINDOW_US / 2) {
      throw new IllegalArgumentException("skewUs: " + skewUs + " (expected: 0.." + (MATCH_WINDOW_US / 2 - 1) + ")");
    }
    if (seriesIntervalUs < 0) {
      throw new IllegalArgumentException("seriesIntervalUs: " + seriesIntervalUs + " (expected: >= 0)");
    }
    if (seriesIntervalUs > 0 && (endUs - startUs) / seriesIntervalUs >= MAX_BUCKETS) {
      throw new IllegalArgumentException("seriesIntervalUs: " + seriesIntervalUs
          + " (expected: at most " + MAX_BUCKETS + " buckets over the period)");
    }
  }

  /** The map over a period with the default skew and no series. */
  public static ServiceMapQuery of(Long projectId, long startUs, long endUs) {
    return new ServiceMapQuery(projectId, startUs, endUs, DEFAULT_SKEW_US, 0, Set.of());
  }

  /** This query with a lost-share series in buckets of {@code intervalUs}. */
  public ServiceMapQuery withSeries(long intervalUs) {
    return new ServiceMapQuery(projectId, startUs, endUs, skewUs, intervalUs, visibleProjects);
  }

  /** This query for an asker who may see only {@code projects} (empty: every project). */
  public ServiceMapQuery visibleTo(Set<Long> projects) {
    return new ServiceMapQuery(projectId, startUs, endUs, skewUs, seriesIntervalUs, projects);
  }

  /** Whether the asker may see the services of project {@code id} by name. */
  public boolean visible(long id) {
    return visibleProjects.isEmpty() || visibleProjects.contains(id);
  }
}
