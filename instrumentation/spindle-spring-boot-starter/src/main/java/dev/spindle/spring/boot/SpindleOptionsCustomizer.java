package dev.spindle.spring.boot;

import dev.spindle.SpindleOptions;

/**
 * A bean that changes the tracer's options after the {@code spindle.*} properties were applied,
 * for what has no property (a {@code tracesSampler}, {@code beforeSendTransaction}, a spool
 * directory, ...). Customizers run in their {@code @Order}.
 */
@FunctionalInterface
public interface SpindleOptionsCustomizer {
  void customize(SpindleOptions options);
}
