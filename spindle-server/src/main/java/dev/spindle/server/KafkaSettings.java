package dev.spindle.server;

import static java.util.Objects.requireNonNull;



/**
 * Where ingestion and writer nodes meet.
 *
 * @param bootstrapServers  Kafka's {@code bootstrap.servers}, e.g. {@code k1:9092,k2:9092}
 * @param topic             the topic of ingested rows (default {@code spindle-rows})
 * @param partitions        partitions when Spindle creates the topic (default 12); the most
 *                          writer nodes that can work at once
 * @param replicationFactor replicas when Spindle creates the topic, or -1 for the broker default
 * @param group             the writers' consumer group (default {@code spindle-writers})
 */
public record KafkaSettings(String bootstrapServers, String topic, int partitions,
    short replicationFactor, String group) {

  public static final String DEFAULT_TOPIC = "spindle-rows";
  public static final String DEFAULT_GROUP = "spindle-writers";

  public KafkaSettings {
    requireNonNull(bootstrapServers, "bootstrapServers");
    requireNonNull(topic, "topic");
    requireNonNull(group, "group");
    if (bootstrapServers.isBlank()) throw new IllegalArgumentException("bootstrapServers: empty (expected: host:port[,host:port...])");
    if (partitions <= 0) throw new IllegalArgumentException("partitions: " + partitions + " (expected: > 0)");
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException("replicationFactor: " + replicationFactor + " (expected: -1 or > 0)");
    }
  }

  /** Defaults for everything but the servers. */
  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, DEFAULT_TOPIC, 12, (short) -1, DEFAULT_GROUP);
  }
}
