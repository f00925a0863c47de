package dev.spindle.collector.kafka;

import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.tests.SpanWriterContract;
import dev.spindle.storage.write.BatchQueue;
import dev.spindle.storage.write.BatchQueueProvider;
import dev.spindle.testsupport.KafkaTestBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest side of the Kafka queue: {@code write} returns once Kafka acknowledged every record
 * of the batch (one per trace); Kafka takes any row, storage refuses later, on the writer side.
 * Read back is what the queue's consumer hands its target. A failed write may have sent some of
 * the batch's records (no transaction across them); the writer side then stores those once.
 */
class KafkaSpanWriterContractTest extends SpanWriterContract {
  @TempDir static Path dir;
  private static KafkaTestBroker broker;
  /** One queue for all tests (each test writes its own traces): a consumer joins its group slowly. */
  private static BatchQueue queue;
  private static final List<WriteBatch> delivered = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void open() throws Exception {
    broker = KafkaTestBroker.start(dir.resolve("kafka"));
    queue = BatchQueueProvider.named("kafka").open(Map.of("bootstrap", broker.bootstrap, "topic", "contract",
        "partitions", "2", "replication-factor", "1", "group", "contract"));
    queue.consumeInto(delivered::add);
  }

  @AfterAll
  static void close() throws Exception {
    if (queue != null) queue.close();
    if (broker != null) broker.close();
  }

  @Override
  protected SpanWriter writer() {
    return queue.writer();
  }

  @Override
  protected WriteBatch stored(String traceId, int rows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<SpanRow> spans = new ArrayList<>();
      List<ErrorRow> errors = new ArrayList<>();
      for (WriteBatch b : delivered) {
        for (SpanRow s : b.spans()) if (s.traceId().equals(traceId)) spans.add(s);
        for (ErrorRow e : b.errors()) if (traceId.equals(e.traceId())) errors.add(e);
      }
      if (spans.size() + errors.size() >= rows || System.nanoTime() > deadline) {
        return new WriteBatch(spans, errors, List.of());
      }
      Thread.sleep(50);
    }
  }

  @Override
  protected Refusal refusal() {
    return Refusal.NONE;
  }
}
