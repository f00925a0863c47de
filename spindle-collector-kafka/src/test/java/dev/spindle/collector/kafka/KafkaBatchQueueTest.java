package dev.spindle.collector.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.BatchQueue;
import dev.spindle.storage.write.BatchQueueProvider;
import dev.spindle.testsupport.KafkaTestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code kafka} batch queue against a real broker, found the way the server finds it. */
@Timeout(180)
class KafkaBatchQueueTest {
  @TempDir static Path dir;
  private static KafkaTestBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaTestBroker.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) broker.close();
  }

  private static WriteBatch batch(int n) {
    return WriteBatch.ofSpans(List.of(SpanRow.builder().projectId(1).traceId(String.format("%032x", n))
        .spanId(String.format("%016x", n)).transaction("t" + n).startUs(1).endUs(2).build()));
  }

  private static void await(List<WriteBatch> got, int rows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (got.stream().mapToInt(WriteBatch::size).sum() < rows && System.nanoTime() < deadline) Thread.sleep(50);
  }

  @Test
  void whatTheIngestSideWritesTheWriterSideDeliversOldJsonRecordsToo() throws Exception {
    Map<String, String> settings = Map.of("bootstrap", broker.bootstrap, "topic", "rows-a", "partitions", "2",
        "replication-factor", "1", "group", "writers-a");
    BatchQueueProvider provider = BatchQueueProvider.named("kafka");
    List<WriteBatch> got = new CopyOnWriteArrayList<>();
    try (BatchQueue ingest = provider.open(settings); BatchQueue writer = provider.open(settings)) {
      ingest.writer().write(WriteBatch.concat(List.of(batch(1), batch(2))));
      try (KafkaProducer<byte[], byte[]> old = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
          broker.bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
        String json = "{\"v\":1,\"s\":[[1,\"" + "3".repeat(32) + "\",\"" + "3".repeat(16) + "\",null,null,false,"
            + "\"t3\",null,null,null,\"ok\",1,2,{},null,null,null,null,1.0,null,null]],\"e\":[],\"c\":[]}";
        old.send(new ProducerRecord<>("rows-a", json.getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
      }
      writer.consumeInto(got::add);
      assertThrows(IllegalStateException.class, () -> writer.consumeInto(got::add));
      await(got, 3);
    }
    List<String> names = got.stream().flatMap(b -> b.spans().stream()).map(SpanRow::transaction).sorted().toList();
    assertEquals(List.of("t1", "t2", "t3"), names);
  }

  @Test
  void badSettingsAreRefusedBeforeConnecting() {
    BatchQueueProvider provider = BatchQueueProvider.named("kafka");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> provider.open(Map.of("bootstrap", broker.bootstrap, "partition", "2")));
    assertTrue(e.getMessage().startsWith("unknown Kafka settings [partition]"), e.getMessage());
    assertEquals("batch queue 'rabbit' is not on the class path (found: kafka)",
        assertThrows(IllegalArgumentException.class, () -> BatchQueueProvider.named("rabbit")).getMessage());
  }
}
