package dev.spindle.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Spindle's query API, read with the admin token, with bounded polling. */
final class SpindleApi {
  static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final String token;

  SpindleApi(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** Status and parsed body (null when empty) of {@code GET path}. */
  record Reply(int status, JsonNode body) {}

  Reply get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
  }

  /** Polls {@code GET path} until {@code done} holds for a 200 body; fails after {@link #WAIT}. */
  JsonNode await(String path, Predicate<JsonNode> done, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Reply last = null;
    while (System.nanoTime() < deadline) {
      last = get(path);
      if (last.status() == 200 && done.test(last.body())) return last.body();
      Thread.sleep(200);
    }
    throw new AssertionError("timed out after " + WAIT + " waiting for " + what + "; last reply: "
        + (last == null ? "none" : last.status() + " " + last.body()));
  }

  /** The trace once it holds {@code transactions} transactions. */
  JsonNode awaitTrace(String traceId, int transactions) throws Exception {
    return await("/api/v1/traces/" + traceId,
        t -> t.path("transactions").size() >= transactions,
        "trace " + traceId + " with " + transactions + " transactions");
  }
}
