package dev.spindle.collector.kafka;

import dev.spindle.storage.write.BatchQueue;
import dev.spindle.storage.write.BatchQueueProvider;
import java.util.Map;

/** The {@code kafka} batch queue; its settings are listed on {@link KafkaSettings}. */
public final class KafkaBatchQueueProvider implements BatchQueueProvider {
  /** For {@link java.util.ServiceLoader}. */
  public KafkaBatchQueueProvider() {}

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public BatchQueue open(Map<String, String> settings) {
    return new KafkaBatchQueue(KafkaSettings.from(settings));
  }
}
