package dev.spindle.spring.boot;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Gives the scheduling registrar an observation registry with {@link ScheduledRunHandler} when it
 * has none: Spring observes every run of a {@code @Scheduled} method through the registrar's
 * registry. When the application has one (Boot's, with Actuator or
 * {@code spring-boot-micrometer-observation}), Boot sets that one instead and adds the handler,
 * a bean, to it.
 */
final class ScheduledTransactions implements SchedulingConfigurer {
  private final ScheduledRunHandler handler;

  ScheduledTransactions(ScheduledRunHandler handler) {
    this.handler = handler;
  }

  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    ObservationRegistry registry = registrar.getObservationRegistry();
    if (registry != null && !registry.isNoop()) return;
    registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(handler);
    registrar.setObservationRegistry(registry);
  }
}
