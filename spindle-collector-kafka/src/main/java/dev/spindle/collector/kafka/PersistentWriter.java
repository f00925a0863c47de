package dev.spindle.collector.kafka;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes consumed records to storage until they are written: retries with backoff (100 ms
 * doubling to 5 s) while the storage fails. When it keeps failing and the failure is a refusal
 * (the storage answered with an error) rather than unreachability (an {@link IOException} in the
 * cause chain), the records are written one by one so that a record the storage refuses cannot
 * block the others; a record refused {@link #REFUSALS_BEFORE_SKIP} times on its own is logged
 * with its position, counted and skipped. While the storage is unreachable nothing is skipped.
 */
final class PersistentWriter {
  private static final Logger LOG = Logger.getLogger(PersistentWriter.class.getName());

  /** How often the storage must refuse a record on its own before it is skipped. */
  static final int REFUSALS_BEFORE_SKIP = 5;

  /** One consumed record: where it came from (topic/partition@offset) and its rows. */
  record Item(String where, WriteBatch batch) {}

  /** Sleeps; a seam for tests. */
  interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  private final SpanWriter writer;
  private final BooleanSupplier closed;
  private final Sleeper sleeper;
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  PersistentWriter(SpanWriter writer, BooleanSupplier closed, Sleeper sleeper) {
    this.writer = writer;
    this.closed = closed;
    this.sleeper = sleeper;
  }

  long rowsWritten() {
    return rowsWritten.get();
  }

  long skipped() {
    return skipped.get();
  }

  /** Whether the failure says the storage could not be reached, rather than refused the rows. */
  static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) return true;
    }
    return false;
  }

  /** Writes every item (or skips the refused ones); false when closed or interrupted first. */
  boolean writeAll(List<Item> items) {
    long backoffMs = 100;
    int failures = 0;
    List<Item> pending = items;
    Map<String, Integer> refusals = new HashMap<>();
    while (!pending.isEmpty()) {
      if (closed.getAsBoolean()) return false;
      WriteBatch all = WriteBatch.concat(pending.stream().map(Item::batch).toList());
      try {
        writer.write(all);
        rowsWritten.addAndGet(all.size());
        return true;
      } catch (RuntimeException e) {
        failures++;
        LOG.log(Level.WARNING, "storage write of " + all.size() + " rows failed; retrying in " + backoffMs + " ms", e);
        if (failures >= 3 && !unreachable(e)) {
          List<Item> refused = new ArrayList<>();
          for (Item d : pending) {
            try {
              writer.write(d.batch());
              rowsWritten.addAndGet(d.batch().size());
            } catch (RuntimeException e2) {
              if (!unreachable(e2) && refusals.merge(d.where(), 1, Integer::sum) >= REFUSALS_BEFORE_SKIP) {
                skipped.incrementAndGet();
                LOG.log(Level.SEVERE, "skipping record " + d.where() + " (" + d.batch().size()
                    + " rows): the storage refused it " + REFUSALS_BEFORE_SKIP + " times", e2);
              } else {
                refused.add(d);
              }
            }
          }
          pending = refused;
          if (pending.isEmpty()) return true;
        }
        try {
          sleeper.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
    return true;
  }
}
