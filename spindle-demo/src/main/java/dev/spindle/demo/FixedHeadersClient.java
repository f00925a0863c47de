package dev.spindle.demo;

import dev.spindle.Span;
import dev.spindle.Tracer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The seed's bug, on purpose: a hand-written client that reads the trace headers once, when it is
 * made, and sends those with every request. Made at start-up, outside any trace, it has none, so
 * every call's context is lost: the callee starts a new trace. Each call is still an
 * {@code http.client} span of the caller, which is how Spindle finds the calls that lost it.
 */
final class FixedHeadersClient {
  private final HttpClient http;
  private final Tracer tracer;
  private final URI uri;
  private final Map<String, String> headers = new HashMap<>();

  FixedHeadersClient(HttpClient http, Tracer tracer, String url) {
    this.http = http;
    this.tracer = tracer;
    this.uri = URI.create(url);
    tracer.inject(tracer.currentSpan(), headers, Map::put); // the bug: fixed once, here
  }

  String post(String body) throws IOException, InterruptedException {
    Span span = tracer.currentSpan().startChild("http.client", "POST " + uri);
    span.setData("http.request.method", "POST");
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(b::header);
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) throw new IOException("POST " + uri + ": HTTP " + r.statusCode());
      return r.body();
    } finally {
      span.finish();
    }
  }
}
