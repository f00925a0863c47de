package dev.spindle.kafka;

import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.Tracer;
import dev.spindle.protocol.SpanStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A {@link Producer} that traces every record sent through the producer it wraps. Build your one
 * shared producer as usual and wrap it once:
 *
 * <pre>{@code
 * Producer<String, String> producer = TracingProducer.create(new KafkaProducer<>(props));
 * producer.send(new ProducerRecord<>("orders", key, value));
 * }</pre>
 *
 * <p>For each {@code send}, at the moment it is called, the wrapper reads the span current on the
 * calling thread and, if there is one, opens a {@code queue.publish} child span described by the
 * topic, with data {@code messaging.system} ({@code kafka}) and {@code messaging.destination.name}.
 * The record is sent as a copy whose headers also hold {@code sentry-trace}, {@code baggage} and
 * {@code traceparent} naming that span (existing headers of those names are replaced; the
 * caller's record is not changed). Nothing is read when the producer is created or wrapped.
 * Headers are written to every topic: {@code tracePropagationTargets} names URLs and does not
 * apply to Kafka.
 *
 * <p>The span finishes when the broker acknowledges the record (the send callback), with data
 * {@code messaging.destination.partition.id}, {@code messaging.kafka.offset} and
 * {@code messaging.message.body.size}, or with a failure status and the exception when the send
 * fails ({@code deadline_exceeded} for a timeout). The caller's callback runs after that, on the
 * producer's I/O thread with no span current. With no current span the record is sent unchanged.
 * Tracing never makes a send fail.
 *
 * <p>Every other method is the wrapped producer's. Compiled against kafka-clients 4.x
 * ({@code provided}).
 */
public final class TracingProducer<K, V> implements Producer<K, V> {
  static final String OPERATION = "queue.publish";

  private final Producer<K, V> delegate;
  private final Tracer tracer; // null: Spindle.tracer(), read per send

  private TracingProducer(Producer<K, V> delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  /**
   * Traces {@code delegate} with the tracer of {@link Spindle}, looked up at each send (so the
   * producer may be wrapped before {@code Spindle.init}).
   */
  public static <K, V> Producer<K, V> create(Producer<K, V> delegate) {
    return new TracingProducer<>(unwrap(Objects.requireNonNull(delegate, "delegate")), null);
  }

  /** Traces {@code delegate} with {@code tracer}. */
  public static <K, V> Producer<K, V> create(Producer<K, V> delegate, Tracer tracer) {
    return new TracingProducer<>(unwrap(Objects.requireNonNull(delegate, "delegate")),
        Objects.requireNonNull(tracer, "tracer"));
  }

  /** Wrapping twice would trace every record twice. */
  private static <K, V> Producer<K, V> unwrap(Producer<K, V> producer) {
    return producer instanceof TracingProducer
        ? ((TracingProducer<K, V>) producer).delegate : producer;
  }

  /** The wrapped producer. */
  public Producer<K, V> delegate() {
    return delegate;
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, null);
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    Tracer t = tracer != null ? tracer : Spindle.tracer();
    Span span = start(t, record);
    if (span == null) return delegate.send(record, callback);
    ProducerRecord<K, V> traced = withTraceHeaders(t, record, span);
    try {
      return delegate.send(traced, (metadata, error) -> {
        finish(span, metadata, error);
        if (callback != null) callback.onCompletion(metadata, error);
      });
    } catch (RuntimeException | Error e) {
      finish(span, null, e);
      throw e;
    }
  }

  /** The span for {@code record}, a child of the span current now; null when nothing is traced. */
  private static Span start(Tracer t, ProducerRecord<?, ?> record) {
    if (record == null) return null;
    try {
      Span span = t.currentSpan().startChild(OPERATION, record.topic());
      if (span.isNoop()) return null;
      span.setData("messaging.system", "kafka");
      span.setData("messaging.destination.name", record.topic());
      return span;
    } catch (RuntimeException e) {
      return null; // never fail a send because of tracing
    }
  }

  /** A copy of {@code record} with headers naming {@code span}; the record itself on failure. */
  private static <K, V> ProducerRecord<K, V> withTraceHeaders(Tracer t, ProducerRecord<K, V> record,
      Span span) {
    try {
      RecordHeaders headers = new RecordHeaders(record.headers().toArray());
      t.inject(span, headers, KafkaHeaders.INSTANCE, KafkaHeaders.INSTANCE);
      return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
          record.key(), record.value(), headers);
    } catch (RuntimeException e) {
      return record;
    }
  }

  private static void finish(Span span, RecordMetadata metadata, Throwable error) {
    if (error != null) {
      span.setThrowable(error);
      span.finish(statusOf(error));
      return;
    }
    if (metadata != null) {
      span.setData("messaging.destination.partition.id", String.valueOf(metadata.partition()));
      if (metadata.hasOffset()) span.setData("messaging.kafka.offset", metadata.offset());
      if (metadata.serializedValueSize() >= 0) {
        span.setData("messaging.message.body.size", metadata.serializedValueSize());
      }
    }
    span.finish(SpanStatus.OK);
  }

  static SpanStatus statusOf(Throwable error) {
    if (error instanceof TimeoutException) return SpanStatus.DEADLINE_EXCEEDED;
    if (error instanceof InterruptException) return SpanStatus.CANCELLED;
    if (error instanceof AuthenticationException) return SpanStatus.UNAUTHENTICATED;
    if (error instanceof AuthorizationException) return SpanStatus.PERMISSION_DENIED;
    return SpanStatus.INTERNAL_ERROR;
  }

  // ------------------------------------------------------------ delegation, nothing traced

  @Override
  public void initTransactions() {
    delegate.initTransactions();
  }

  @Override
  public void beginTransaction() {
    delegate.beginTransaction();
  }

  @Override
  public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata groupMetadata) {
    delegate.sendOffsetsToTransaction(offsets, groupMetadata);
  }

  @Override
  public void commitTransaction() {
    delegate.commitTransaction();
  }

  @Override
  public void abortTransaction() {
    delegate.abortTransaction();
  }

  @Override
  public void registerMetricForSubscription(KafkaMetric metric) {
    delegate.registerMetricForSubscription(metric);
  }

  @Override
  public void unregisterMetricFromSubscription(KafkaMetric metric) {
    delegate.unregisterMetricFromSubscription(metric);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return delegate.partitionsFor(topic);
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return delegate.metrics();
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    return delegate.clientInstanceId(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void close(Duration timeout) {
    delegate.close(timeout);
  }

  @Override
  public String toString() {
    return "TracingProducer{" + delegate + "}";
  }
}
