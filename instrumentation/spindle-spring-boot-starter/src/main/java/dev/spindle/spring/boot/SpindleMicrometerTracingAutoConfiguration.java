package dev.spindle.spring.boot;

import dev.spindle.Tracer;
import dev.spindle.micrometer.SpindleMicrometerTracer;
import dev.spindle.micrometer.SpindlePropagator;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * With Micrometer Tracing on the classpath: the Spindle bridge as Micrometer's
 * {@link io.micrometer.tracing.Tracer} and {@link Propagator}, so observations (Spring Kafka,
 * Spring Data, {@code @Observed}, any library instrumented with Micrometer Observation) record
 * Spindle spans, nested in the starter's transactions, through Boot's own tracing handlers. Runs
 * before Boot's no-op tracer. Spring's HTTP server and client observations are left to the
 * starter's own filters and interceptors ({@link StarterTracedObservationHandler}; their metrics
 * are kept), so each request is traced once.
 */
@AutoConfiguration(after = SpindleAutoConfiguration.class, beforeName = {
    "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
    "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration"})
@ConditionalOnClass(name = {"io.micrometer.tracing.Tracer", "dev.spindle.micrometer.SpindleMicrometerTracer"})
@ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
@ConditionalOnBean(Tracer.class)
public final class SpindleMicrometerTracingAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(io.micrometer.tracing.Tracer.class)
  SpindleMicrometerTracer spindleMicrometerTracer(Tracer tracer) {
    return SpindleMicrometerTracer.create(tracer);
  }

  @Bean
  @ConditionalOnMissingBean(Propagator.class)
  @ConditionalOnBean(SpindleMicrometerTracer.class)
  SpindlePropagator spindlePropagator(SpindleMicrometerTracer tracer) {
    return SpindlePropagator.create(tracer);
  }

  @Bean
  @Order(StarterTracedObservationHandler.ORDER)
  @ConditionalOnBean(SpindleMicrometerTracer.class)
  StarterTracedObservationHandler spindleStarterTracedObservationHandler(SpindleMicrometerTracer tracer) {
    return new StarterTracedObservationHandler(tracer);
  }
}
