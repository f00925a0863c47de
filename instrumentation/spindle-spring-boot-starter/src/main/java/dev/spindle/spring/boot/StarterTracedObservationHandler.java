package dev.spindle.spring.boot;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.util.Set;

/**
 * Takes Spring's HTTP server observations (MVC, WebFlux), client observations
 * ({@code RestClient}, {@code RestTemplate}, {@code WebClient}) and {@code @Scheduled} runs before
 * Micrometer's tracing handlers do, and starts no span for them: the starter's filters,
 * interceptors and {@link ScheduledRunHandler} trace those (naming transactions by route as soon
 * as the handler is chosen, sending handler errors, applying {@code trace-propagation-targets}). The observation is given the span current when it
 * starts (the starter's transaction, or the client call's parent), so observations nested in it
 * become its children and Boot's tracing-aware metrics find a span; it is never ended here.
 *
 * <p>A client built by hand with an {@code ObservationRegistry} but without the starter's
 * interceptor is therefore not traced: add the interceptor.
 */
final class StarterTracedObservationHandler implements TracingObservationHandler<Observation.Context> {
  /** Before Boot's receiver (1000), sender (2000) and default tracing handlers. */
  static final int ORDER = 0;

  private static final Set<String> COVERED = Set.of(
      "org.springframework.http.server.observation.ServerRequestObservationContext",
      "org.springframework.http.server.reactive.observation.ServerRequestObservationContext",
      "org.springframework.http.client.observation.ClientRequestObservationContext",
      "org.springframework.web.reactive.function.client.ClientRequestObservationContext",
      "org.springframework.scheduling.support.ScheduledTaskObservationContext");

  private final Tracer tracer;

  StarterTracedObservationHandler(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    if (context == null) return false;
    for (Class<?> c = context.getClass(); c != null; c = c.getSuperclass()) {
      if (COVERED.contains(c.getName())) return true;
    }
    return false;
  }

  @Override
  public void onStart(Observation.Context context) {
    getTracingContext(context).setSpan(tracer.currentSpan());
  }

  /** Makes the span current where the observation's scope opens; without one, changes nothing. */
  @Override
  public void onScopeOpened(Observation.Context context) {
    if (getTracingContext(context).getSpan() != null) TracingObservationHandler.super.onScopeOpened(context);
  }

  /** The starter records the error on its own span. */
  @Override
  public void onError(Observation.Context context) {}

  @Override
  public void onEvent(Observation.Event event, Observation.Context context) {}

  /** The span is the starter's: it ends it. */
  @Override
  public void onStop(Observation.Context context) {
    getTracingContext(context).close();
  }

  @Override
  public Tracer getTracer() {
    return tracer;
  }
}
