package dev.spindle.testsupport;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A small client of Spindle's query API ({@code /api/v1/...}) for end-to-end tests: every request
 * carries the given API token as a bearer token, and {@link #await} polls with a bound, because
 * SDKs send asynchronously. Safe to share between threads.
 *
 * <pre>{@code
 * SpindleApi api = new SpindleApi(server.url(), bootstrap.apiToken());
 * JsonNode trace = api.awaitTrace(traceId, 2);
 * }</pre>
 */
public final class SpindleApi {
  /** How long {@link #await} polls before it fails: 20 seconds. */
  public static final Duration WAIT = Duration.ofSeconds(20);

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final String token;

  /**
   * A client of the server at {@code baseUrl} (such as {@code http://127.0.0.1:8790}, no trailing
   * slash) reading with the API token {@code token}.
   */
  public SpindleApi(String baseUrl, String token) {
    this.baseUrl = requireNonNull(baseUrl, "baseUrl");
    this.token = requireNonNull(token, "token");
  }

  /**
   * The status and parsed JSON body of a {@code GET}.
   *
   * @param status the HTTP status code
   * @param body the parsed body, or null when the body is empty
   */
  public record Reply(int status, JsonNode body) {}

  /** {@code GET path} (such as {@code /api/v1/traces}); each request times out after 10 seconds. */
  public Reply get(String path) throws IOException, InterruptedException {
    requireNonNull(path, "path");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + token).timeout(REQUEST_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
  }

  /**
   * Polls {@code GET path} until {@code done} holds for a 200 reply's body, and returns that body.
   *
   * @param what what is awaited, for the failure message
   * @throws AssertionError after {@link #WAIT}, with the last reply
   */
  public JsonNode await(String path, Predicate<JsonNode> done, String what) throws Exception {
    requireNonNull(done, "done");
    long deadline = System.nanoTime() + WAIT.toNanos();
    Reply last = null;
    while (System.nanoTime() < deadline) {
      last = get(path);
      if (last.status() == 200 && done.test(last.body())) return last.body();
      Thread.sleep(POLL_MILLIS);
    }
    throw new AssertionError("timed out after " + WAIT + " waiting for " + what + "; last reply: "
        + (last == null ? "none" : last.status() + " " + last.body()));
  }

  /** The trace {@code traceId} once it holds at least {@code transactions} transactions. */
  public JsonNode awaitTrace(String traceId, int transactions) throws Exception {
    requireNonNull(traceId, "traceId");
    return await("/api/v1/traces/" + traceId,
        t -> t.path("transactions").size() >= transactions,
        "trace " + traceId + " with " + transactions + " transactions");
  }
}
