package dev.spindle.collector.kafka;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.Delivery;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes consumed records to storage until they are written, through {@link Delivery}: retries
 * with backoff while the storage fails, writes the records one by one when it keeps refusing them,
 * and logs, counts and skips a record refused on its own while the storage takes the others.
 * Nothing is skipped while the storage is unreachable or refuses everything. Records of one poll
 * may be written in any order (they are committed together).
 */
final class PersistentWriter {
  private static final Logger LOG = Logger.getLogger(PersistentWriter.class.getName());

  /** One consumed record: where it came from (topic/partition@offset) and its rows. */
  record Item(String where, WriteBatch batch) {}

  private final Delivery<Item> delivery;
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  PersistentWriter(SpanWriter writer, BooleanSupplier closed, Delivery.Sleeper sleeper) {
    this.delivery = Delivery.<Item>builder(items -> {
          WriteBatch all = items.size() == 1 ? items.get(0).batch()
              : WriteBatch.concat(items.stream().map(Item::batch).toList());
          writer.write(all);
          rowsWritten.addAndGet(all.size());
        })
        .setAside((item, why) -> {
          skipped.incrementAndGet();
          LOG.log(Level.SEVERE, "skipping record " + item.where() + " (" + item.batch().size()
              + " rows): the storage refused it alone while it took others", why);
        })
        .keepOrder(false)
        .stopped(closed)
        .sleeper(sleeper)
        .build();
  }

  long rowsWritten() {
    return rowsWritten.get();
  }

  long skipped() {
    return skipped.get();
  }

  /** Writes every item (or skips the refused ones); false when closed or interrupted first. */
  boolean writeAll(List<Item> items) {
    return delivery.deliver(items);
  }
}
