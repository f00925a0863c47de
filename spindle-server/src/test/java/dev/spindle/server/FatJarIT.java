package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's start command runs the packaged jar ({@code bin/spindle serve} is
 * {@code java -jar spindle-server-all.jar serve}): its manifest names the main class, the storage
 * plug-ins are found in it, the first start bootstraps a project, and an envelope sent to the
 * printed DSN is read back through the query API.
 */
class FatJarIT {
  private static final Pattern LISTENING = Pattern.compile("Spindle listening on (http://\\S+) \\(data: .*; OTLP/gRPC on port (\\d+)");

  @Test
  @Timeout(120)
  void servesFromTheRunnableJar(@TempDir Path dir) throws Exception {
    Path jar = Path.of("target", "spindle-server-all.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is built by the package phase");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "serve", "--port", "0", "--otlp-grpc-port", "0", "--data", dir.toString()))
        .redirectErrorStream(true).start();
    try {
      String base = null;
      int grpcPort = -1;
      StringBuilder seen = new StringBuilder();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line; base == null && (line = out.readLine()) != null; ) {
        seen.append(line).append('\n');
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          base = m.group(1);
          grpcPort = Integer.parseInt(m.group(2));
        }
      }
      assertTrue(base != null, "no start-up line in:\n" + seen);
      JsonNode boot = TestServer.json(Files.readString(dir.resolve(SpindleServer.BOOTSTRAP_FILE)));
      String dsn = boot.get("dsn").asText();
      String traceId = TestServer.hex(32);
      double now = TestServer.nowSec();
      HttpResponse<String> sent = TestServer.HTTP.send(HttpRequest.newBuilder(
              URI.create(base + "/api/1/envelope/?sentry_key=" + TestServer.publicKey(dsn)))
          .POST(HttpRequest.BodyPublishers.ofString(TestServer.transaction(traceId, TestServer.hex(32),
              TestServer.hex(16), null, "GET /jar", now - 1, now, 2))).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, sent.statusCode(), sent.body());
      HttpResponse<String> trace = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/traces/" + traceId))
          .header("Authorization", "Bearer " + boot.get("apiToken").asText()).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, trace.statusCode(), trace.body());
      JsonNode tx = TestServer.json(trace.body()).get("transactions").get(0);
      assertEquals("GET /jar", tx.get("name").asText(), trace.body());
      assertEquals(2, tx.get("spans").size(), trace.body());

      String grpcTrace = TestServer.hex(32); // the jar's shaded Netty serves OTLP/gRPC
      try (OtlpGrpcClient client = new OtlpGrpcClient(grpcPort)) {
        client.export(OtlpGrpcClient.request(List.of(OtlpGrpcClient.span(grpcTrace, TestServer.hex(16), "GET /grpc",
            System.currentTimeMillis()))).toByteArray(), java.util.Map.of("sentry_key", TestServer.publicKey(dsn)), true);
      }
      HttpResponse<String> viaGrpc = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/traces/" + grpcTrace))
          .header("Authorization", "Bearer " + boot.get("apiToken").asText()).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, viaGrpc.statusCode(), viaGrpc.body());
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
