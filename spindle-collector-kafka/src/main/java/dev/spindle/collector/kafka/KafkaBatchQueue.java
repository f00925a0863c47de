package dev.spindle.collector.kafka;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.write.BatchQueue;

/** Kafka as the queue between ingest and writer nodes; the producer and consumer open on first use. */
final class KafkaBatchQueue implements BatchQueue {
  private final KafkaSettings settings;
  private KafkaSpanWriter writer;
  private KafkaRowConsumer consumer;
  private boolean closed;

  /** Creates the topic when it is missing. */
  KafkaBatchQueue(KafkaSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    KafkaTopics.ensure(settings);
  }

  @Override
  public synchronized SpanWriter writer() {
    if (closed) throw new IllegalStateException("closed");
    if (writer == null) writer = new KafkaSpanWriter(settings);
    return writer;
  }

  @Override
  public synchronized void consumeInto(SpanWriter target) {
    requireNonNull(target, "target");
    if (closed) throw new IllegalStateException("closed");
    if (consumer != null) throw new IllegalStateException("already consuming");
    consumer = new KafkaRowConsumer(settings, target);
    consumer.start();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (writer != null) writer.close();
    if (consumer != null) consumer.close();
  }
}
