package dev.spindle.spring.boot;

import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.AbstractHttpClientTest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * {@link TracingExchangeFilterFunction} in a {@code WebClient} against the shared client suite:
 * blocking, and asynchronous through {@code toFuture()} (subscribed by the caller, whose span is
 * the parent).
 */
class WebClientSuiteTest extends AbstractHttpClientTest<WebClient> {
  @Override
  protected WebClient newClient(Tracer tracer) {
    return WebClient.builder().filter(TracingExchangeFilterFunction.create(tracer)).build();
  }

  @Override
  protected int get(WebClient client, String url, Map<String, String> headers) {
    return request(client, url, headers).block(Duration.ofSeconds(20));
  }

  @Override
  protected boolean supportsAsync() {
    return true;
  }

  @Override
  protected CompletionStage<Integer> getAsync(WebClient client, String url, Map<String, String> headers) {
    return request(client, url, headers).toFuture();
  }

  private static Mono<Integer> request(WebClient client, String url, Map<String, String> headers) {
    return client.get().uri(URI.create(url)).headers(h -> headers.forEach(h::set))
        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
  }
}
