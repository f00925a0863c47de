package dev.spindle.collector.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process) from Maven
 * Central's {@code kafka_2.13} jars, run as a child JVM on 127.0.0.1 free ports with its logs in a
 * temporary folder.
 */
public final class KafkaTestBroker implements AutoCloseable {
  public final String bootstrap;
  private final Process process;

  private KafkaTestBroker(String bootstrap, Process process) {
    this.bootstrap = bootstrap;
    this.process = process;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static KafkaTestBroker start(Path dir) throws Exception {
    Files.createDirectories(dir);
    int port = freePort();
    int controller = freePort();
    Path props = dir.resolve("server.properties");
    Files.writeString(props, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("logs"),
        "num.partitions=4",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=2000",
        "message.max.bytes=16777216",
        "log.cleaner.dedupe.buffer.size=2097152",
        "") );
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    Process format = new ProcessBuilder(java, "-Xmx128m", "-cp", cp, "kafka.tools.StorageTool", "format",
        "-t", Uuid.randomUuid().toString(), "-c", props.toString(), "--standalone")
        .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException("formatting Kafka storage failed: " + Files.readString(dir.resolve("format.log")));
    }
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", cp, "kafka.Kafka", props.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
    String bootstrap = "127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) break;
        try {
          admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
          return new KafkaTestBroker(bootstrap, p);
        } catch (Exception notYet) {
          Thread.sleep(200);
        }
      }
    }
    p.destroyForcibly();
    List<String> log = Files.readAllLines(dir.resolve("broker.log"));
    throw new IllegalStateException("the Kafka broker did not start; last lines: "
        + String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
