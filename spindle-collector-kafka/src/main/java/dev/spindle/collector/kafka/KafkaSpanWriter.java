package dev.spindle.collector.kafka;

import static java.util.Objects.requireNonNull;

import dev.spindle.storage.ClientReportRow;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ingest role's writer: "durable" means Kafka has the rows. Each batch is split by trace id
 * into records keyed by the trace id (so a trace stays on one partition, and on one writer),
 * sent with {@code acks=all} and an idempotent producer, and {@link #write} returns only when
 * every record is acknowledged (or fails after {@code write-timeout-ms}). The server calls it
 * behind its group commit, so one call carries many requests' rows.
 */
final class KafkaSpanWriter implements SpanWriter, AutoCloseable {
  /** Rows per record at most, so one record stays well under the topic's size limit. */
  static final int MAX_ROWS_PER_RECORD = 500;

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final long timeoutMs;

  KafkaSpanWriter(KafkaSettings k) {
    requireNonNull(k, "k");
    this.topic = k.topic();
    this.timeoutMs = k.writeTimeoutMs();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(timeoutMs, 10_000L));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 15_000L));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMs, 16_000L));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "spindle-ingest");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public void write(WriteBatch batch) {
    requireNonNull(batch, "batch");
    if (batch.isEmpty()) return;
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try {
      for (Keyed r : byKey(batch)) {
        byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
        sent.add(producer.send(new ProducerRecord<>(topic, key, RecordValues.encode(r.batch()))));
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      for (Future<RecordMetadata> f : sent) {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      throw new StorageException("Kafka did not take the rows: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new StorageException("Kafka did not acknowledge the rows within " + timeoutMs + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for Kafka", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new StorageException("Kafka refused the rows: " + e.getMessage(), e);
    }
  }

  /** One record: its key (a trace id, an event id or {@code project:<id>}) and rows. */
  record Keyed(String key, WriteBatch batch) {}

  /** The batch split into per-key batches of at most {@link #MAX_ROWS_PER_RECORD} rows. */
  static List<Keyed> byKey(WriteBatch batch) {
    Map<String, List<SpanRow>> spans = new LinkedHashMap<>();
    Map<String, List<ErrorRow>> errors = new LinkedHashMap<>();
    Map<String, List<ClientReportRow>> reports = new LinkedHashMap<>();
    for (SpanRow r : batch.spans()) spans.computeIfAbsent(r.traceId(), k -> new ArrayList<>()).add(r);
    for (ErrorRow r : batch.errors()) {
      errors.computeIfAbsent(r.traceId() != null ? r.traceId() : r.eventId(), k -> new ArrayList<>()).add(r);
    }
    for (ClientReportRow r : batch.clientReports()) {
      reports.computeIfAbsent("project:" + r.projectId(), k -> new ArrayList<>()).add(r);
    }
    List<Keyed> out = new ArrayList<>();
    List<String> keys = new ArrayList<>(spans.keySet());
    for (String k : errors.keySet()) if (!spans.containsKey(k)) keys.add(k);
    keys.addAll(reports.keySet());
    for (String k : keys) {
      List<SpanRow> s = spans.getOrDefault(k, List.of());
      List<ErrorRow> e = errors.getOrDefault(k, List.of());
      List<ClientReportRow> c = reports.getOrDefault(k, List.of());
      if (s.size() + e.size() <= MAX_ROWS_PER_RECORD) {
        out.add(new Keyed(k, new WriteBatch(s, e, c)));
        continue;
      }
      for (int i = 0; i < s.size(); i += MAX_ROWS_PER_RECORD) {
        out.add(new Keyed(k, new WriteBatch(s.subList(i, Math.min(s.size(), i + MAX_ROWS_PER_RECORD)), List.of(), List.of())));
      }
      for (int i = 0; i < e.size(); i += MAX_ROWS_PER_RECORD) {
        out.add(new Keyed(k, new WriteBatch(List.of(), e.subList(i, Math.min(e.size(), i + MAX_ROWS_PER_RECORD)), List.of())));
      }
    }
    return out;
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
