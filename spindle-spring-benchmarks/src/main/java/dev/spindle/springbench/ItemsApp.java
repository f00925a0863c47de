package dev.spindle.springbench;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application every variant runs: one tiny {@code @RestController} endpoint,
 * {@code GET /items/{id}} answering {@code "item <id>"}, on Tomcat (Boot's default), on a random
 * loopback port. No component scanning; the variant decides which auto-configurations run.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ItemsApp.ItemsController.class)
public class ItemsApp {
  /** The route benchmarked. */
  static final String PATH = "/items/42";

  /** Starts the application as {@code variant} with exports going to {@code sinkUrl}. */
  static ConfigurableApplicationContext start(Variant variant, String sinkUrl) {
    List<String> properties = new ArrayList<>(List.of(
        "server.port=0", "server.address=127.0.0.1", "spring.application.name=items",
        "spring.main.banner-mode=off", "logging.level.root=WARN", "spring.jmx.enabled=false",
        // one kept-alive connection for the whole run (Tomcat closes it after 100 requests by default)
        "server.tomcat.max-keep-alive-requests=-1"));
    properties.addAll(variant.properties(sinkUrl));
    return new SpringApplicationBuilder(ItemsApp.class)
        .properties(properties.toArray(new String[0]))
        .run();
  }

  static int port(ConfigurableApplicationContext app) {
    return Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
  }

  /** Counts what reaches the OpenTelemetry exporter (a bean only in the {@code otel} variant). */
  @Bean
  static CountingSpanExporters countingSpanExporters() {
    return new CountingSpanExporters();
  }

  @RestController
  static class ItemsController {
    @GetMapping("/items/{id}")
    String item(@PathVariable("id") String id) {
      return "item " + id;
    }
  }
}
