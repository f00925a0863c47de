package dev.spindle.examples.springkafka.orders;

import dev.spindle.Tracer;
import dev.spindle.kafka.TracingProducer;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * Service A: {@code POST /orders/{id}} publishes the order to the {@code orders.topic} topic;
 * shipping reports back with {@code POST /orders/{id}/shipped}. Nothing here is about tracing but
 * the {@link TracingProducer} around the producer: the starter traces the HTTP side.
 */
@SpringBootApplication
public class OrdersApp {
  /** The application with its defaults (each may be overridden by arguments or the environment). */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(OrdersApp.class).properties(
        "spring.application.name=orders", "server.port=8081",
        "kafka.bootstrap-servers=127.0.0.1:9092", "orders.topic=orders",
        "spindle.traces-sample-rate=1.0");
  }

  @Bean(destroyMethod = "close")
  Producer<String, String> orderProducer(@Value("${kafka.bootstrap-servers}") String bootstrap, Tracer tracer) {
    return TracingProducer.create(new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)), tracer);
  }
}
