package dev.spindle.storage.discover;

/** Runs ad-hoc Discover queries over stored spans. */
public interface DiscoverStore {
  /**
   * Runs the query. Every value coming from the user (filter values, tag keys, thresholds) must
   * be bound as a parameter; column and function names come from the closed sets of
   * {@link Column} and {@link Aggregate.Function}.
   *
   * @return the rows, at most {@code q.limit()}, with one value per selected field
   */
  DiscoverResult discover(DiscoverQuery q);
}
