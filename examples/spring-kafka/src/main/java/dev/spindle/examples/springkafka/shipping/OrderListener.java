package dev.spindle.examples.springkafka.shipping;

import dev.spindle.Tracer;
import dev.spindle.kafka.TracingConsumer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Polls the orders topic on its own thread; each record is handled in its own {@code queue.process}
 * transaction ({@link TracingConsumer}) that continues the trace of the request that published it.
 */
@Component
class OrderListener implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(OrderListener.class);

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final RestClient orders;
  private final Tracer tracer;
  private volatile Thread thread;

  OrderListener(@Value("${kafka.bootstrap-servers}") String bootstrap, @Value("${orders.topic}") String topic,
      RestClient orders, Tracer tracer) {
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "shipping",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    this.topic = topic;
    this.orders = orders;
    this.tracer = tracer;
  }

  private void ship(ConsumerRecord<String, String> record) {
    orders.post().uri("/orders/{id}/shipped", record.value()).retrieve().toBodilessEntity();
  }

  private void poll() {
    consumer.subscribe(List.of(topic));
    try {
      while (thread != null) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
          try {
            TracingConsumer.process(record, tracer, this::ship);
          } catch (RuntimeException e) {
            log.warn("order {} not shipped", record.value(), e); // recorded in its transaction
          }
        }
      }
    } catch (WakeupException stopping) {
      // stop() woke the poll
    } finally {
      consumer.close();
    }
  }

  @Override
  public void start() {
    thread = new Thread(this::poll, "order-listener");
    thread.start();
  }

  @Override
  public void stop() {
    Thread t = thread;
    thread = null;
    consumer.wakeup();
    try {
      if (t != null) t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return thread != null;
  }
}
