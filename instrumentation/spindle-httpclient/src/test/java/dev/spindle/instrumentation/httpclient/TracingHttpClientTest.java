package dev.spindle.instrumentation.httpclient;

import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.AbstractHttpClientTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** {@link TracingHttpClient} against the shared client suite, synchronous and asynchronous. */
class TracingHttpClientTest extends AbstractHttpClientTest<HttpClient> {
  @Override
  protected HttpClient newClient(Tracer tracer) {
    return TracingHttpClient.create(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build(), tracer);
  }

  @Override
  protected int get(HttpClient client, String url, Map<String, String> headers) throws Exception {
    return client.send(request(url, headers), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Override
  protected boolean supportsAsync() {
    return true;
  }

  @Override
  protected CompletionStage<Integer> getAsync(HttpClient client, String url, Map<String, String> headers) {
    return client.sendAsync(request(url, headers), HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  private static HttpRequest request(String url, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    headers.forEach(b::header);
    return b.build();
  }
}
