package dev.spindle.okhttp;

import dev.spindle.Tracer;
import dev.spindle.instrumentation.tests.AbstractHttpClientTest;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The shared client suite, run against one pooled OkHttp client per tracer. */
class TracingInterceptorTest extends AbstractHttpClientTest<TracingCallFactory> {
  @Override
  protected TracingCallFactory newClient(Tracer tracer) {
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(TracingInterceptor.create(tracer))
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(20, TimeUnit.SECONDS)
        .build();
    client.dispatcher().setMaxRequestsPerHost(32);
    return TracingCallFactory.create(client);
  }

  @Override
  protected void closeClient(TracingCallFactory client) {
    client.client().dispatcher().executorService().shutdownNow();
    client.client().connectionPool().evictAll();
  }

  static Request request(String url, Map<String, String> headers) {
    Request.Builder b = new Request.Builder().url(url);
    headers.forEach(b::header);
    return b.build();
  }

  @Override
  protected int get(TracingCallFactory client, String url, Map<String, String> headers)
      throws IOException {
    try (Response response = client.newCall(request(url, headers)).execute()) {
      return response.code();
    }
  }

  @Override
  protected boolean supportsAsync() {
    return true;
  }

  @Override
  protected CompletionStage<Integer> getAsync(TracingCallFactory client, String url,
      Map<String, String> headers) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    client.newCall(request(url, headers)).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        result.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          result.complete(response.code());
        }
      }
    });
    return result;
  }
}
