package dev.spindle.collector.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the rows topic when it is missing. */
final class KafkaTopics {
  private KafkaTopics() {}

  static void ensure(KafkaSettings k) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
      Optional<Short> replicas = k.replicationFactor() > 0 ? Optional.of(k.replicationFactor()) : Optional.empty();
      NewTopic topic = new NewTopic(k.topic(), Optional.of(k.partitions()), replicas)
          // One ingested trace can be several MB; the broker's default limit is 1 MB.
          .configs(Map.of("max.message.bytes", String.valueOf(16 * 1024 * 1024)));
      admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create Kafka topic " + k.topic() + " at " + k.bootstrapServers()
            + ": " + e.getCause(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + k.bootstrapServers() + " did not answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the Kafka topic", e);
    }
  }
}
