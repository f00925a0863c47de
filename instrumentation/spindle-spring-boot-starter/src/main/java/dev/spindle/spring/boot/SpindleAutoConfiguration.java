package dev.spindle.spring.boot;

import dev.spindle.SpindleOptions;
import dev.spindle.Tracer;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Spindle for a Spring Boot application: a {@link Tracer} bean configured by
 * {@link SpindleProperties}, an {@code http.server} transaction per Spring MVC or WebFlux request
 * named by its route, {@code http.client} spans and trace headers for {@code RestClient},
 * {@code RestTemplate} and {@code WebClient} built from Boot's builders, and the current span
 * carried into {@code @Async} methods and the auto-configured task executors and schedulers
 * (virtual threads included), and a transaction per run of a {@code @Scheduled} method. With
 * {@code spindle.enabled=false} only a tracer that records and sends nothing is defined.
 */
@AutoConfiguration
@EnableConfigurationProperties(SpindleProperties.class)
public final class SpindleAutoConfiguration {
  /** The order of the servlet filter: first after Spring's character-encoding filter. */
  public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

  @Bean
  ManagedTracer spindleManagedTracer(SpindleProperties properties, Environment environment,
      ObjectProvider<SpindleOptionsCustomizer> customizers) {
    if (!properties.isEnabled()) return ManagedTracer.disabled();
    // A bad value is logged once by the SDK and ignored: tracing never stops the application.
    SpindleOptions options = options(properties, environment);
    customizers.orderedStream().forEach(c -> c.customize(options));
    return ManagedTracer.start(options);
  }

  @Bean(destroyMethod = "") // closed by its ManagedTracer
  Tracer spindleTracer(ManagedTracer managed) {
    return managed.tracer();
  }

  /**
   * The properties that are set; the SDK completes the rest from {@code spindle.*} system
   * properties, {@code SPINDLE_*} variables and {@code spindle.properties} when the tracer starts.
   */
  static SpindleOptions options(SpindleProperties p, Environment environment) {
    SpindleOptions o = new SpindleOptions();
    if (p.getDsn() != null) o.setDsn(p.getDsn().isBlank() ? null : p.getDsn().trim());
    if (p.getTracesSampleRate() != null) o.setTracesSampleRate(p.getTracesSampleRate());
    if (p.getEnvironment() != null) o.setEnvironment(p.getEnvironment());
    if (p.getRelease() != null) o.setRelease(p.getRelease());
    if (p.getTracePropagationTargets() != null) o.setTracePropagationTargets(p.getTracePropagationTargets());
    String service = p.getServiceName() != null ? p.getServiceName()
        : environment.getProperty("spring.application.name");
    if (service != null && !service.isBlank()) o.setTag("service.name", service.trim());
    return o;
  }

  /**
   * The span current when a task is submitted is current while it runs; each run of a
   * {@code @Scheduled} method is a transaction of its own.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
  static class TaskConfiguration {
    @Bean
    TaskDecorator spindleTaskDecorator(Tracer tracer) {
      return tracer::wrap;
    }

    @Bean
    ScheduledRunHandler spindleScheduledRunHandler(Tracer tracer) {
      return new ScheduledRunHandler(tracer);
    }

    @Bean
    ScheduledTransactions spindleScheduledTransactions(ScheduledRunHandler handler) {
      return new ScheduledTransactions(handler);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
  static class ServletConfiguration {
    @Bean
    FilterRegistrationBean<MvcTracingFilter> spindleTracingFilter(Tracer tracer) {
      FilterRegistrationBean<MvcTracingFilter> registration =
          new FilterRegistrationBean<>(new MvcTracingFilter(tracer));
      registration.setName("spindleTracingFilter");
      registration.setOrder(FILTER_ORDER);
      registration.setAsyncSupported(true);
      registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
      registration.addUrlPatterns("/*");
      return registration;
    }

    @Bean
    CapturingExceptionResolver spindleExceptionResolver(Tracer tracer) {
      return new CapturingExceptionResolver(tracer);
    }

    @Bean
    WebMvcConfigurer spindleRouteNaming() {
      return new WebMvcConfigurer() {
        @Override
        public void addInterceptors(InterceptorRegistry registry) {
          registry.addInterceptor(new RouteNaming());
        }
      };
    }
  }

  /** Clients built from Boot's {@code RestClient.Builder} and {@code RestTemplateBuilder}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
  @ConditionalOnClass(name = "org.springframework.boot.restclient.RestClientCustomizer")
  static class HttpClientConfiguration {
    @Bean
    TracingClientHttpRequestInterceptor spindleClientHttpRequestInterceptor(Tracer tracer) {
      return TracingClientHttpRequestInterceptor.create(tracer);
    }

    @Bean
    RestClientCustomizer spindleRestClientCustomizer(TracingClientHttpRequestInterceptor interceptor) {
      return builder -> builder.requestInterceptors(list -> list.add(0, interceptor));
    }

    @Bean
    RestTemplateCustomizer spindleRestTemplateCustomizer(TracingClientHttpRequestInterceptor interceptor) {
      return restTemplate -> restTemplate.getInterceptors().add(0, interceptor);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
  static class WebFluxConfiguration {
    @Bean
    WebFluxTracingFilter spindleWebFluxTracingFilter(Tracer tracer) {
      return new WebFluxTracingFilter(tracer);
    }
  }

  /** Clients built from Boot's {@code WebClient.Builder}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "spindle.enabled", matchIfMissing = true)
  @ConditionalOnClass(name = "org.springframework.boot.webclient.WebClientCustomizer")
  static class WebClientConfiguration {
    @Bean
    WebClientCustomizer spindleWebClientCustomizer(Tracer tracer) {
      TracingExchangeFilterFunction filter = TracingExchangeFilterFunction.create(tracer);
      return builder -> builder.filters(filters -> filters.add(0, filter));
    }
  }
}
