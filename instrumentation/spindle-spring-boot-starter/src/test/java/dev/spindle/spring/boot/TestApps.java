package dev.spindle.spring.boot;

import dev.spindle.Span;
import dev.spindle.Tracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Two small Spring Boot MVC applications as users write them: {@code users} (service B) answers
 * {@code GET /users/{id}}; {@code orders} (service A) answers {@code GET /orders/{id}} by calling
 * B through a {@link RestClient}, from an {@code @Async} method through a {@link RestTemplate}
 * and through a {@link WebClient} it blocks on, all built from Spring's auto-configured builders;
 * {@code gateway} (WebFlux) answers {@code GET /gateway/{id}} through a {@link WebClient}. Each is its own context
 * on a random loopback port; no component scanning, so they never see each other's beans.
 */
final class TestApps {
  private TestApps() {}

  /** Starts {@code app} on 127.0.0.1 with a random port and {@code properties}. */
  static ConfigurableApplicationContext start(Class<?> app, String... properties) {
    List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
        "spring.main.banner-mode=off", "logging.level.root=WARN"));
    all.addAll(List.of(properties));
    return new SpringApplicationBuilder(app).properties(all.toArray(new String[0])).run();
  }

  static String url(ConfigurableApplicationContext context) {
    return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(UsersController.class)
  static class Users {}

  @RestController
  static class UsersController {
    @GetMapping("/users/{id}")
    String user(@PathVariable("id") String id) {
      return "user " + id;
    }

    @GetMapping("/users/{id}/fail")
    String fail(@PathVariable("id") String id) {
      throw new IllegalStateException("user " + id + " is broken");
    }
  }

  /** Needs {@code users.url}. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableAsync
  @Import({OrdersController.class, AsyncUsers.class})
  static class Orders {
    @Bean
    RestClient usersClient(RestClient.Builder builder, @Value("${users.url}") String usersUrl) {
      return builder.baseUrl(usersUrl).build();
    }

    @Bean
    WebClient usersWebClient(WebClient.Builder builder, @Value("${users.url}") String usersUrl) {
      return builder.baseUrl(usersUrl).build();
    }

    @Bean
    RestTemplate usersTemplate(RestTemplateBuilder builder, @Value("${users.url}") String usersUrl) {
      return builder.rootUri(usersUrl).build();
    }
  }

  /** Calls B from the application's task executor. */
  static class AsyncUsers {
    private final RestTemplate users;

    AsyncUsers(RestTemplate users) {
      this.users = users;
    }

    /** B's answer and the thread that asked. */
    @Async
    public CompletableFuture<String> fetch(String id) {
      String body = users.getForObject("/users/{id}", String.class, id);
      return CompletableFuture.completedFuture(body + " on " + Thread.currentThread());
    }
  }

  @RestController
  static class OrdersController {
    private final RestClient users;
    private final AsyncUsers asyncUsers;
    private final WebClient webUsers;
    private final Tracer tracer;

    OrdersController(RestClient users, AsyncUsers asyncUsers, WebClient webUsers, Tracer tracer) {
      this.users = users;
      this.asyncUsers = asyncUsers;
      this.webUsers = webUsers;
      this.tracer = tracer;
    }

    /**
     * Lines: the current trace id, B's answer through RestClient, B's answer from @Async, B's
     * answer through a WebClient blocked on.
     */
    @GetMapping("/orders/{id}")
    String order(@PathVariable("id") String id) throws Exception {
      String direct = users.get().uri("/users/{id}", id).retrieve().body(String.class);
      String async = asyncUsers.fetch(id).get(10, TimeUnit.SECONDS);
      String web = webUsers.get().uri("/users/{id}", id).retrieve().bodyToMono(String.class)
          .block(Duration.ofSeconds(10));
      return tracer.currentSpan().traceId() + "\n" + direct + "\n" + async + "\n" + web;
    }
  }

  /** A WebFlux application calling B through a WebClient; needs {@code users.url}. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(GatewayController.class)
  static class Gateway {
    @Bean
    WebClient usersWebClient(WebClient.Builder builder, @Value("${users.url}") String usersUrl) {
      return builder.baseUrl(usersUrl).build();
    }
  }

  @RestController
  static class GatewayController {
    private final WebClient users;
    private final Tracer tracer;

    GatewayController(WebClient users, Tracer tracer) {
      this.users = users;
      this.tracer = tracer;
    }

    /** Lines: the trace id of the request's transaction (from the Reactor context), B's answer. */
    @GetMapping("/gateway/{id}")
    Mono<String> user(@PathVariable("id") String id) {
      return Mono.deferContextual(context -> users.get().uri("/users/{id}", id).retrieve()
          .bodyToMono(String.class).map(body -> context.get(Span.class).traceId() + "\n" + body));
    }

    /**
     * Hops threads (publishOn, delayElement) and calls B inside flatMap. Lines: the current span
     * and thread in each operator ({@code traceId spanId thread}), then B's answer.
     */
    @GetMapping("/gateway/{id}/hops")
    Mono<String> hops(@PathVariable("id") String id) {
      return Mono.just(id)
          .publishOn(Schedulers.boundedElastic())
          .map(x -> current())
          .delayElement(Duration.ofMillis(10))
          .flatMap(published -> {
            String delayed = current();
            return users.get().uri("/users/{id}", id).retrieve().bodyToMono(String.class)
                .map(body -> published + "\n" + delayed + "\n" + current() + "\n" + body);
          });
    }

    private String current() {
      Span span = tracer.currentSpan();
      return span.traceId() + " " + span.spanId() + " " + Thread.currentThread().getName();
    }

    @GetMapping("/gateway/{id}/fail")
    Mono<String> fail(@PathVariable("id") String id) {
      return Mono.error(new IllegalStateException("gateway " + id + " is broken"));
    }
  }
}
