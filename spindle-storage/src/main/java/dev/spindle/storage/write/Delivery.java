package dev.spindle.storage.write;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.StorageFullException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers a group of items (batches) to a target that may fail, until every item is written or
 * set aside: the one retry/split/skip mechanism of the write path (DuckDB's ingest log loader,
 * the Kafka writer role).
 *
 * <ol>
 *   <li>The group is written in one call. While that fails, it is retried with backoff (100 ms
 *       doubling to 5 s).
 *   <li>After {@code attempts} failures that are refusals (the target answered with an error), the
 *       group is split: items are written one by one, so one item the target refuses cannot block
 *       the others. Failures that say the target is <b>unreachable</b> (an {@link IOException} or a
 *       {@code StorageFullException} in the cause chain) never split and never count against an item: the whole group is retried.
 *   <li>An item refused {@code attempts} times on its own is handed to the {@link SetAside}
 *       callback (quarantine file, log and skip...) only when the target <b>still works</b>: it
 *       accepted another item since this one was first refused, or the {@code probe} succeeds. A
 *       target that refuses everything therefore makes delivery wait, never skip.
 * </ol>
 *
 * <p>With {@code keepOrder} (the default) a refused item holds back the items after it, so they
 * land in their order (a log position recorded with each write stays monotonic); without it,
 * later items are written meanwhile. An instance is immutable: {@link #deliver} keeps its state in
 * the call, so threads may share one when its callbacks allow it.
 *
 * @param <T> an item, typically a {@code WriteBatch} with where it came from
 */
public final class Delivery<T> {
  private static final Logger LOG = Logger.getLogger(Delivery.class.getName());
  static final long FIRST_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;

  /** Writes a group of items: all of them, or (throwing) none. */
  @FunctionalInterface
  public interface Target<T> {
    void write(List<T> group);
  }

  /** Takes an item out of delivery for good (after it was logged, kept somewhere...). */
  @FunctionalInterface
  public interface SetAside<T> {
    /**
     * @param why the item's last refusal
     * @throws RuntimeException when the item could not be set aside; it is then retried
     */
    void setAside(T item, RuntimeException why);
  }

  /** Sleeps; a seam for tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  private static final class Entry<T> {
    final T item;
    int refusals;
    long firstRefusalRound;
    RuntimeException lastRefusal;
    RuntimeException lastFailure;

    Entry(T item) {
      this.item = item;
    }
  }

  private final Target<T> target;
  private final SetAside<T> setAside;
  private final SetAside<T> onGiveUp;
  private final Runnable probe;
  private final int attempts;
  private final long maxRounds;
  private final boolean keepOrder;
  private final BooleanSupplier stopped;
  private final Sleeper sleeper;

  private Delivery(Builder<T> b) {
    this.target = b.target;
    this.setAside = b.setAside;
    this.onGiveUp = b.onGiveUp;
    this.probe = b.probe;
    this.attempts = b.attempts;
    this.maxRounds = b.maxRounds;
    this.keepOrder = b.keepOrder;
    this.stopped = b.stopped;
    this.sleeper = b.sleeper;
  }

  /** A builder delivering to {@code target}. */
  public static <T> Builder<T> builder(Target<T> target) {
    return new Builder<>(target);
  }

  /**
   * Whether the failure says the target could not be reached (or has no room: a full disk),
   * rather than refused the write.
   */
  public static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof StorageFullException) return true;
    }
    return false;
  }

  /**
   * Delivers the group: returns once every item was written or set aside.
   *
   * @return false when it gave up first: stopped (see {@link Builder#stopped}), out of rounds
   *     ({@link Builder#maxRounds}) or interrupted; the items left were handed to
   *     {@link Builder#onGiveUp}
   */
  public boolean deliver(List<T> group) {
    List<Entry<T>> pending = new ArrayList<>(group.size());
    for (T item : group) pending.add(new Entry<>(requireNonNull(item, "item")));
    boolean split = false;
    int groupFailures = 0;
    long lastSuccessRound = 0;
    int roundsWithoutProgress = 0;
    long backoffMs = FIRST_BACKOFF_MS;
    for (long round = 1; !pending.isEmpty(); round++) {
      boolean progress = false;
      if (!split) {
        try {
          target.write(items(pending));
          return true;
        } catch (RuntimeException e) {
          for (Entry<T> entry : pending) entry.lastFailure = e;
          boolean refused = !unreachable(e);
          LOG.log(Level.WARNING, "writing " + pending.size() + (pending.size() == 1 ? " batch" : " batches")
              + " failed (" + (refused ? "refused" : "unreachable") + ", round " + round + ")", e);
          if (refused && pending.size() == 1) refused(pending.get(0), e, round);
          if (refused && pending.size() > 1 && ++groupFailures >= attempts) split = true;
        }
      }
      if (split) {
        int failed = 0;
        RuntimeException example = null;
        for (Iterator<Entry<T>> it = pending.iterator(); it.hasNext(); ) {
          Entry<T> e = it.next();
          try {
            target.write(List.of(e.item));
            it.remove();
            lastSuccessRound = round;
            progress = true;
          } catch (RuntimeException failure) {
            e.lastFailure = failure;
            if (!unreachable(failure)) refused(e, failure, round);
            failed++;
            example = failure;
            if (keepOrder) break;
          }
        }
        if (example != null) {
          LOG.log(Level.WARNING, failed + (failed == 1 ? " batch" : " batches") + " failed when written alone"
              + " (round " + round + ")", example);
        }
      }
      for (Iterator<Entry<T>> it = pending.iterator(); it.hasNext(); ) {
        Entry<T> e = it.next();
        if (e.refusals < attempts) {
          if (keepOrder) break;
          continue;
        }
        if (trySetAside(e, lastSuccessRound >= e.firstRefusalRound)) {
          it.remove();
          progress = true;
        } else if (keepOrder) {
          break;
        }
      }
      if (pending.isEmpty()) return true;
      roundsWithoutProgress = progress ? 0 : roundsWithoutProgress + 1;
      if (round >= maxRounds || roundsWithoutProgress >= 2 * attempts && stopped.getAsBoolean()) {
        return giveUp(pending);
      }
      try {
        sleeper.sleep(backoffMs);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return giveUp(pending);
      }
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
    return true;
  }

  private boolean giveUp(List<Entry<T>> pending) {
    if (onGiveUp != null) {
      for (Entry<T> e : pending) onGiveUp.setAside(e.item, e.lastFailure);
    }
    return false;
  }

  private static <T> List<T> items(List<Entry<T>> entries) {
    List<T> items = new ArrayList<>(entries.size());
    for (Entry<T> e : entries) items.add(e.item);
    return items;
  }

  private static <T> void refused(Entry<T> e, RuntimeException why, long round) {
    if (e.refusals++ == 0) e.firstRefusalRound = round;
    e.lastRefusal = why;
  }

  /** Sets the item aside if the target still works; false (nothing skipped) otherwise. */
  private boolean trySetAside(Entry<T> e, boolean targetTookOthers) {
    if (setAside == null) return false;
    if (!targetTookOthers) {
      if (probe == null) {
        LOG.warning("a batch was refused " + e.refusals + " times and the target took nothing else since;"
            + " retrying, nothing skipped");
        return false;
      }
      try {
        probe.run();
      } catch (RuntimeException down) {
        LOG.log(Level.WARNING, "the target refuses everything; retrying, nothing skipped", down);
        return false;
      }
    }
    try {
      setAside.setAside(e.item, e.lastRefusal);
      return true;
    } catch (RuntimeException failed) {
      LOG.log(Level.WARNING, "a refused batch could not be set aside; retrying it", failed);
      return false;
    }
  }

  /** Configures a {@link Delivery}; every setting has a documented default. */
  public static final class Builder<T> {
    private final Target<T> target;
    private SetAside<T> setAside;
    private SetAside<T> onGiveUp;
    private Runnable probe;
    private int attempts = 3;
    private long maxRounds = Long.MAX_VALUE;
    private boolean keepOrder = true;
    private BooleanSupplier stopped = () -> false;
    private Sleeper sleeper = Thread::sleep;

    private Builder(Target<T> target) {
      this.target = requireNonNull(target, "target");
    }

    /** Where an item the target alone keeps refusing goes; default none: such items are retried forever. */
    public Builder<T> setAside(SetAside<T> setAside) {
      this.setAside = requireNonNull(setAside, "setAside");
      return this;
    }

    /**
     * Proves the target still works (a cheap real write), throwing when it does not; asked before
     * an item is set aside when the target took no other item meanwhile. Default none: then only
     * other items taken count as proof.
     */
    public Builder<T> probe(Runnable probe) {
      this.probe = requireNonNull(probe, "probe");
      return this;
    }

    /** Refusals of a group before it is split, and of an item alone before it is set aside; default 3. */
    public Builder<T> attempts(int n) {
      if (n <= 0) throw new IllegalArgumentException("attempts: " + n + " (expected: > 0)");
      attempts = n;
      return this;
    }

    /** Whether a refused item holds back the items after it; default true. */
    public Builder<T> keepOrder(boolean keepOrder) {
      this.keepOrder = keepOrder;
      return this;
    }

    /**
     * When this answers true (closing, opening), delivery gives up after {@code 2 * attempts}
     * rounds in a row that neither wrote nor set aside anything (enough for a group to be split
     * and an item to reach its set-aside), instead of retrying forever; default never.
     */
    public Builder<T> stopped(BooleanSupplier stopped) {
      this.stopped = requireNonNull(stopped, "stopped");
      return this;
    }

    /**
     * Rounds (one write of the group, or of each item once split) before giving up; default
     * unlimited. {@code 1} with {@code attempts(1)}: no retry, for callers that report failures
     * rather than wait (the group commit: a refused batch fails its own caller only).
     */
    public Builder<T> maxRounds(long n) {
      if (n <= 0) throw new IllegalArgumentException("maxRounds: " + n + " (expected: > 0)");
      maxRounds = n;
      return this;
    }

    /**
     * Told of each item still undelivered when delivery gives up, with its last failure; default
     * none (the items stay where they came from, e.g. in the log or the topic).
     */
    public Builder<T> onGiveUp(SetAside<T> onGiveUp) {
      this.onGiveUp = requireNonNull(onGiveUp, "onGiveUp");
      return this;
    }

    /** How it waits between rounds; default {@link Thread#sleep(long)}. */
    public Builder<T> sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    public Delivery<T> build() {
      return new Delivery<>(this);
    }
  }
}
