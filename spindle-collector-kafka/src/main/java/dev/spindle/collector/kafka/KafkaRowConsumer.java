package dev.spindle.collector.kafka;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The writer role: consumes the rows topic in batches, writes each batch to storage (retrying
 * until it succeeds), and only then commits the batch's offsets. A crash between the write and
 * the commit replays the batch; the storage's idempotent writes (ClickHouse: ReplacingMergeTree
 * read with {@code FINAL}; client reports counted once per replay key, {@link #withReplayKeys})
 * keep the replay invisible. Records that cannot be decoded are logged,
 * counted and skipped.
 *
 * <p>A batch the storage keeps refusing is split record by record ({@link PersistentWriter}), so
 * one record the storage rejects (ClickHouse answers with an error, as opposed to being
 * unreachable) cannot block its partition: once refused alone a few times while the storage takes
 * other records, it is logged with its offset, counted and skipped. While storage is unreachable
 * or refuses everything, nothing is skipped: the writer retries with backoff. A lone record the
 * storage refuses (no other record to show it still works) is retried, logged, until it is taken.
 */
final class KafkaRowConsumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KafkaRowConsumer.class.getName());

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final PersistentWriter persistent;
  private final Thread thread;
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean closed;

  KafkaRowConsumer(KafkaSettings k, SpanWriter writer) {
    requireNonNull(k, "k");
    this.persistent = new PersistentWriter(requireNonNull(writer, "writer"), () -> closed, Thread::sleep);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, k.group());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, k.maxRecordsPerPoll());
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    // A killed writer's partitions move to the others (or to its restart) within 10 s.
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "spindle-writer");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(k.topic()));
    this.thread = new Thread(this::run, "spindle-kafka-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Rows written to storage since start. */
  long rowsWritten() {
    return persistent.rowsWritten();
  }

  private void run() {
    try {
      while (!closed) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) continue;
        List<PersistentWriter.Item> batches = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
          try {
            batches.add(new PersistentWriter.Item(where(r), withReplayKeys(RecordValues.decode(r.value()), where(r))));
          } catch (RuntimeException e) {
            skipped.incrementAndGet();
            LOG.warning("skipping undecodable record " + where(r) + ": " + e.getMessage());
          }
        }
        if (!persistent.writeAll(batches)) return;
        try {
          consumer.commitSync();
        } catch (CommitFailedException e) {
          // The group rebalanced while we wrote: another writer replays these; writes are idempotent.
          LOG.warning("offset commit failed after a rebalance; the batch will be replayed: " + e.getMessage());
        }
      }
    } catch (WakeupException e) {
      if (!closed) LOG.log(Level.SEVERE, "unexpected wakeup", e);
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "the Kafka writer stopped", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "consumer close", e);
      }
    }
  }

  /**
   * Gives each client report of a record its place in the topic as replay key, the same on every
   * replay of the record, so storage that cannot write exactly once counts it once.
   */
  static WriteBatch withReplayKeys(WriteBatch batch, String where) {
    if (batch.clientReports().isEmpty()) return batch;
    List<ClientReportRow> keyed = new ArrayList<>(batch.clientReports().size());
    for (ClientReportRow r : batch.clientReports()) keyed.add(r.withReplayKey(where + "#" + keyed.size()));
    return new WriteBatch(batch.spans(), batch.errors(), keyed);
  }

  private static String where(ConsumerRecord<?, ?> r) {
    return r.topic() + "/" + r.partition() + "@" + r.offset();
  }

  /** Records skipped because they could not be decoded or the storage kept refusing them. */
  long skipped() {
    return skipped.get() + persistent.skipped();
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
