package dev.spindle.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import reactor.core.publisher.Hooks;

/**
 * Turns on Reactor's automatic context propagation, so that the span in a chain's Reactor context
 * (a WebFlux request's transaction; the span current where a chain is blocked on or subscribed) is
 * current inside every operator, after {@code publishOn}, {@code delayElement} and other thread
 * hops ({@link SpanThreadLocalAccessor}). Boot does the same only with
 * {@code spring.reactor.context-propagation=auto}; this one is on unless
 * {@code spindle.reactor.automatic-context-propagation=false}. It is JVM-wide, like Reactor's hook,
 * and also carries the other registered thread-locals (MDC, Micrometer observations).
 */
@AutoConfiguration
@ConditionalOnClass(name = {"reactor.core.publisher.Hooks", "io.micrometer.context.ContextRegistry"})
@ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "spindle.reactor.automatic-context-propagation", matchIfMissing = true)
public final class SpindleReactorAutoConfiguration {
  SpindleReactorAutoConfiguration() {
    Hooks.enableAutomaticContextPropagation();
  }
}
