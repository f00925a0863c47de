package dev.spindle.springbench;

import java.util.ArrayList;
import java.util.List;
import dev.spindle.spring.boot.SpindleOptionsCustomizer;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
  /** The property that selects in-process export. */
  static final String IN_PROCESS = "spring-bench.export-in-process";

  /**
   * Starts the application as {@code variant}, exporting over HTTP to {@code sinkUrl}, or, when
   * {@code sinkUrl} is null, in the process ({@link InProcessExport}).
   */
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

  /** Counts what reaches the OpenTelemetry exporter (used only in the {@code otel} variant). */
  @Bean
  static CountingSpanExporters countingSpanExporters() {
    return new CountingSpanExporters();
  }

  /** Spindle's transport for in-process export (used only in the Spindle variants). */
  @Bean
  @ConditionalOnProperty(name = IN_PROCESS, havingValue = "true")
  SpindleOptionsCustomizer inProcessTransport() {
    return options -> options.setTransport(new InProcessExport.SpindleTransport());
  }

  /** OpenTelemetry's exporter for in-process export (used only in the {@code otel} variant). */
  @Bean
  @ConditionalOnProperty(name = IN_PROCESS, havingValue = "true")
  SpanExporter inProcessSpanExporter() {
    return new InProcessExport.OtlpExporter();
  }

  @RestController
  static class ItemsController {
    @GetMapping("/items/{id}")
    String item(@PathVariable("id") String id) {
      return "item " + id;
    }
  }
}
