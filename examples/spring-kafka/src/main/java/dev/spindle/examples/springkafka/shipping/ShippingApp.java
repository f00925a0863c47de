package dev.spindle.examples.springkafka.shipping;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/** Service B: ships each order it reads from the topic and tells orders over HTTP. */
@SpringBootApplication
public class ShippingApp {
  /** The application with its defaults (each may be overridden by arguments or the environment). */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(ShippingApp.class).properties(
        "spring.application.name=shipping", "server.port=8082",
        "kafka.bootstrap-servers=127.0.0.1:9092", "orders.topic=orders",
        "orders.url=http://127.0.0.1:8081", "spindle.traces-sample-rate=1.0");
  }

  /** Built from Boot's builder, so the starter traces it. */
  @Bean
  RestClient ordersClient(RestClient.Builder builder, @Value("${orders.url}") String ordersUrl) {
    return builder.baseUrl(ordersUrl).build();
  }
}
