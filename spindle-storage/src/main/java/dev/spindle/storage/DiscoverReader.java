package dev.spindle.storage;

/** Runs ad-hoc queries over span rows. */
public interface DiscoverReader {
  /** Runs the query; values are bound as parameters, never spliced into query text. */
  DiscoverResult discover(DiscoverQuery q);
}
