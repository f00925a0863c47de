package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OtlpJsonAndCliTest {
  @TempDir Path dir;

  @Test
  void otlpJsonWithRemoteParentBecomesAnOrphanSegment() {
    try (TestServer s = new TestServer(dir)) {
      String traceId = TestServer.hex(32);
      String remoteParent = TestServer.hex(16);
      String root = TestServer.hex(16);
      long now = System.currentTimeMillis() * 1_000_000L;
      String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"inventory\"}}]},"
          + "\"scopeSpans\":[{\"spans\":["
          + "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + root + "\",\"parentSpanId\":\"" + remoteParent + "\",\"flags\":768,"
          + "\"name\":\"process order\",\"kind\":5,\"startTimeUnixNano\":\"" + (now - 50_000_000) + "\",\"endTimeUnixNano\":\"" + now + "\","
          + "\"attributes\":[{\"key\":\"messaging.system\",\"value\":{\"stringValue\":\"kafka\"}},{\"key\":\"retries\",\"value\":{\"intValue\":\"2\"}}],"
          + "\"status\":{\"code\":2,\"message\":\"boom\"}},"
          + "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + TestServer.hex(16) + "\",\"parentSpanId\":\"" + root + "\","
          + "\"name\":\"bad\",\"startTimeUnixNano\":" + now + ",\"endTimeUnixNano\":" + (now - 1000) + "}"
          + "]}]}]}";
      HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(s.base + "/api/1/integration/otlp/v1/traces?sentry_key=" + s.key))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
      assertEquals(200, r.statusCode(), r.body());
      JsonNode tx = s.getJson("/api/v1/traces/" + traceId).get("transactions").get(0);
      assertEquals("process order", tx.get("name").asText());
      assertEquals("queue.process", tx.get("op").asText());
      assertEquals("internal_error", tx.get("status").asText());
      assertEquals("inventory", tx.get("service").asText());
      assertTrue(tx.get("orphan").asBoolean(), "its remote parent is not stored");
      assertEquals(2, tx.get("data").get("retries").asLong());
      assertEquals(0, tx.get("spans").size(), "the span ending before it starts was dropped");
      assertEquals(1, s.server.storage().outcomes().outcomes(1L, 0, Long.MAX_VALUE).get(0).quantity());
    }
  }

  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      assertEquals(0, code, "exit code of " + String.join(" ", args) + ": " + buf);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void cliManagesProjectsAndTokens() {
    String data = dir.resolve("data").toString();
    String created = run("projects", "create", "--name", "billing", "--data", data, "--url", "http://127.0.0.1:9999");
    assertTrue(created.matches("1\tbilling\thttp://[0-9a-f]{32}@127\\.0\\.0\\.1:9999/1\\s*"), created);
    assertTrue(run("projects", "list", "--data", data).contains("billing"));
    String token = run("tokens", "create", "--name", "ci", "--data", data).trim();
    assertTrue(token.matches("1\tci\tspd_[0-9a-f]{64}"), token);
    assertTrue(run("tokens", "list", "--data", data).contains("1\tci\tactive"));
    run("tokens", "revoke", "1", "--data", data);
    assertTrue(run("tokens", "list", "--data", data).contains("1\tci\trevoked\tadmin\tall projects"));
    String viewer = run("tokens", "create", "--name", "viewer", "--scope", "read", "--project", "1", "--data", data);
    assertTrue(viewer.startsWith("2\tviewer\tspd_"), viewer);
    assertTrue(run("tokens", "list", "--data", data).contains("2\tviewer\tactive\tread\tprojects 1"));
    assertEquals(2, Main.run("tokens", "create", "--scope", "owner", "--data", data), "an unknown scope");
    assertEquals(2, Main.run("tokens", "create", "--project", "7", "--data", data), "an unknown project");
    assertTrue(run("serve", "--help").contains("--session-idle-timeout"));
    assertTrue(run("--help").contains("serve"));
    assertTrue(run("serve", "--help").contains("--retention-days"));
    assertTrue(run("tokens", "--help").contains("revoke"));
  }
}
