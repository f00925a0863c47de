package dev.spindle.kafka;

import dev.spindle.Scope;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.Transaction;
import dev.spindle.TransactionSource;
import dev.spindle.protocol.SpanStatus;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Consumer-side tracing: one {@code queue.process} transaction per consumed record, continuing the
 * trace of the producer that sent it (its {@code sentry-trace}/{@code baggage} or
 * {@code traceparent} headers, as {@link TracingProducer} writes them), so the transaction's
 * parent is the producer's {@code queue.publish} span.
 *
 * <pre>{@code
 * for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
 *   TracingConsumer.process(record, r -> handle(r));   // traced, current while handle runs
 * }
 * }</pre>
 *
 * <p>Batch consumers get one transaction per record: call {@code process} (or
 * {@link #startTransaction}) for each record of the batch. A record without trace headers, or with
 * unreadable ones, starts a new trace; tracing never throws for a record.
 *
 * <p>Recorded: name the topic (source {@code task}); data {@code messaging.system}
 * ({@code kafka}), {@code messaging.destination.name}, {@code messaging.destination.partition.id},
 * {@code messaging.kafka.offset}, {@code messaging.message.body.size} and
 * {@code messaging.message.receive.latency}: the milliseconds from the record's timestamp (set by
 * the producer, or by the broker for topics with {@code LogAppendTime}) to the start of the
 * transaction, i.e. how long the record waited in the topic (absent when the record has no
 * timestamp; 0 when clocks disagree).
 */
public final class TracingConsumer {
  static final String OPERATION = "queue.process";

  private TracingConsumer() {}

  /** Handles one record; may throw what the application's handler throws. */
  @FunctionalInterface
  public interface RecordHandler<K, V, E extends Exception> {
    void handle(ConsumerRecord<K, V> record) throws E;
  }

  /**
   * Runs {@code handler} for {@code record} in a {@code queue.process} transaction of the tracer
   * of {@link Spindle}; see {@link #process(ConsumerRecord, Tracer, RecordHandler)}.
   */
  public static <K, V, E extends Exception> void process(ConsumerRecord<K, V> record,
      RecordHandler<K, V, E> handler) throws E {
    process(record, Spindle.tracer(), handler);
  }

  /**
   * Runs {@code handler} for {@code record} in a {@code queue.process} transaction of
   * {@code tracer} that is current while the handler runs and finishes when it returns:
   * {@code ok}, or {@code internal_error} with the exception, which is rethrown.
   */
  public static <K, V, E extends Exception> void process(ConsumerRecord<K, V> record, Tracer tracer,
      RecordHandler<K, V, E> handler) throws E {
    Objects.requireNonNull(handler, "handler");
    Transaction tx = startTransaction(record, tracer);
    try (Scope s = tx.makeCurrent()) {
      handler.handle(record);
    } catch (Exception | Error e) {
      tx.setThrowable(e);
      tx.finish(SpanStatus.INTERNAL_ERROR);
      throw e;
    }
    tx.finish(SpanStatus.OK);
  }

  /** {@link #startTransaction(ConsumerRecord, Tracer)} with the tracer of {@link Spindle}. */
  public static Transaction startTransaction(ConsumerRecord<?, ?> record) {
    return startTransaction(record, Spindle.tracer());
  }

  /**
   * Starts the {@code queue.process} transaction of {@code record}, continuing the producer's
   * trace, for consumers that drive it themselves: make it current while the record is handled,
   * then finish it.
   *
   * <pre>{@code
   * Transaction tx = TracingConsumer.startTransaction(record, tracer);
   * try (Scope s = tx.makeCurrent()) {
   *   handle(record);
   * } finally {
   *   tx.finish();
   * }
   * }</pre>
   */
  public static Transaction startTransaction(ConsumerRecord<?, ?> record, Tracer tracer) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(tracer, "tracer");
    long now = System.currentTimeMillis();
    Transaction tx = tracer.continueTrace(record.headers(), KafkaHeaders.INSTANCE, record.topic(),
        OPERATION, TransactionSource.TASK);
    tx.setData("messaging.system", "kafka");
    tx.setData("messaging.destination.name", record.topic());
    tx.setData("messaging.destination.partition.id", String.valueOf(record.partition()));
    tx.setData("messaging.kafka.offset", record.offset());
    if (record.serializedValueSize() >= 0) {
      tx.setData("messaging.message.body.size", record.serializedValueSize());
    }
    if (record.timestamp() >= 0) {
      tx.setData("messaging.message.receive.latency", Math.max(0, now - record.timestamp()));
    }
    return tx;
  }
}
