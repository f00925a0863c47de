package dev.spindle.examples.catalog.cli;

import dev.spindle.examples.catalog.client.ApiClient;
import dev.spindle.examples.catalog.client.ApiException;
import dev.spindle.examples.catalog.client.api.CatalogApi;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * The one client of the catalog: one generated {@link ApiClient} with Spindle's per-request hooks,
 * one {@link CatalogApi} (so one pooled {@code HttpClient}) shared by every thread.
 */
public final class CatalogClient {
  /** Connect timeout of the pooled client. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Read timeout of every request. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final CatalogApi api;
  private final ApiClientTracing tracing;

  private CatalogClient(CatalogApi api, ApiClientTracing tracing) {
    this.api = api;
    this.tracing = tracing;
  }

  /** A client of the catalog at {@code baseUri}, e.g. {@code http://127.0.0.1:8080}. */
  public static CatalogClient create(String baseUri) {
    Objects.requireNonNull(baseUri, "baseUri");
    ApiClient apiClient = new ApiClient(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT),
        ApiClient.createDefaultObjectMapper(), baseUri);
    apiClient.setReadTimeout(READ_TIMEOUT);
    ApiClientTracing tracing = ApiClientTracing.install(apiClient); // hooks only: no headers now
    return new CatalogClient(new CatalogApi(apiClient), tracing);
  }

  /** The generated API; call it through {@link #call} so that failed requests finish their spans. */
  public CatalogApi api() {
    return api;
  }

  /** Runs one call of {@link #api()}. */
  public <T> T call(ApiClientTracing.ApiCall<T> call) throws ApiException {
    return tracing.call(call);
  }

  ApiClientTracing tracing() {
    return tracing;
  }
}
