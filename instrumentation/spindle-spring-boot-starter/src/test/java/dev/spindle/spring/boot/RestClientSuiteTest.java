package dev.spindle.spring.boot;

import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.AbstractHttpClientTest;
import java.net.URI;
import java.util.Map;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** {@link TracingClientHttpRequestInterceptor} in a {@code RestClient} against the shared client suite. */
class RestClientSuiteTest extends AbstractHttpClientTest<RestClient> {
  @Override
  protected RestClient newClient(Tracer tracer) {
    return RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
        .requestInterceptor(TracingClientHttpRequestInterceptor.create(tracer)).build();
  }

  @Override
  protected int get(RestClient client, String url, Map<String, String> headers) {
    return client.get().uri(URI.create(url)).headers(h -> headers.forEach(h::set)).retrieve()
        .onStatus(status -> true, (request, response) -> { }) // every status is an answer here
        .toBodilessEntity().getStatusCode().value();
  }
}
