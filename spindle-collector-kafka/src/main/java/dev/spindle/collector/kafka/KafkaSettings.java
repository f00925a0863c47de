package dev.spindle.collector.kafka;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where ingestion and writer nodes meet, read from the queue's settings map:
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>name</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code bootstrap}</td><td>Kafka's {@code bootstrap.servers}, e.g. {@code k1:9092,k2:9092}</td><td>required</td></tr>
 *   <tr><td>{@code topic}</td><td>the topic of ingested rows</td><td>{@value #DEFAULT_TOPIC}</td></tr>
 *   <tr><td>{@code partitions}</td><td>partitions when Spindle creates the topic: the most writer nodes that can work at once</td><td>12</td></tr>
 *   <tr><td>{@code replication-factor}</td><td>replicas when Spindle creates the topic; -1: the broker's default</td><td>-1</td></tr>
 *   <tr><td>{@code group}</td><td>the writers' consumer group</td><td>{@value #DEFAULT_GROUP}</td></tr>
 *   <tr><td>{@code max-records-per-poll}</td><td>records a writer takes per storage write at most</td><td>2000</td></tr>
 *   <tr><td>{@code write-timeout-ms}</td><td>how long an ingest write waits for Kafka's acknowledgement</td><td>30000</td></tr>
 * </table>
 */
record KafkaSettings(String bootstrapServers, String topic, int partitions, short replicationFactor,
    String group, int maxRecordsPerPoll, long writeTimeoutMs) {

  static final String DEFAULT_TOPIC = "spindle-rows";
  static final String DEFAULT_GROUP = "spindle-writers";
  private static final Set<String> NAMES = Set.of("bootstrap", "topic", "partitions", "replication-factor",
      "group", "max-records-per-poll", "write-timeout-ms");

  KafkaSettings {
    requireNonNull(bootstrapServers, "bootstrapServers");
    requireNonNull(topic, "topic");
    requireNonNull(group, "group");
    if (bootstrapServers.isBlank()) throw new IllegalArgumentException("bootstrap: empty (expected: host:port[,host:port...])");
    if (topic.isBlank()) throw new IllegalArgumentException("topic: empty");
    if (group.isBlank()) throw new IllegalArgumentException("group: empty");
    if (partitions <= 0) throw new IllegalArgumentException("partitions: " + partitions + " (expected: > 0)");
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException("replication-factor: " + replicationFactor + " (expected: -1 or > 0)");
    }
    if (maxRecordsPerPoll <= 0) throw new IllegalArgumentException("max-records-per-poll: " + maxRecordsPerPoll + " (expected: > 0)");
    if (writeTimeoutMs <= 0) throw new IllegalArgumentException("write-timeout-ms: " + writeTimeoutMs + " (expected: > 0)");
  }

  /**
   * Reads the settings named in the class comment.
   *
   * @throws IllegalArgumentException for a missing {@code bootstrap}, an unknown name or a bad value
   */
  static KafkaSettings from(Map<String, String> settings) {
    Set<String> unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(NAMES);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown Kafka settings " + unknown + " (expected: " + new TreeSet<>(NAMES) + ")");
    }
    String bootstrap = settings.get("bootstrap");
    if (bootstrap == null) throw new IllegalArgumentException("bootstrap: missing (expected: host:port[,host:port...])");
    int replicas = number(settings, "replication-factor", -1);
    if (replicas > Short.MAX_VALUE) throw new IllegalArgumentException("replication-factor: " + replicas + " (expected: -1 or > 0)");
    return new KafkaSettings(bootstrap, settings.getOrDefault("topic", DEFAULT_TOPIC),
        number(settings, "partitions", 12), (short) replicas, settings.getOrDefault("group", DEFAULT_GROUP),
        number(settings, "max-records-per-poll", 2000), number(settings, "write-timeout-ms", 30_000));
  }

  private static int number(Map<String, String> settings, String name, int dflt) {
    String v = settings.get(name);
    if (v == null) return dflt;
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' (expected: a whole number)", e);
    }
  }
}
