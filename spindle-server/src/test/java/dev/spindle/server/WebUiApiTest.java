package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.ApiToken;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UI's server side without a browser: static files, sign-in sessions, insight endpoints. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebUiApiTest {
  @TempDir Path dir;

  static HttpResponse<String> signIn(TestServer ts, String body) {
    return ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/auth/session"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> withCookie(TestServer ts, String path, String cookie) {
    return ts.send(HttpRequest.newBuilder(URI.create(ts.base + path)).header("Cookie", cookie).GET());
  }

  static String sessionCookie(HttpResponse<String> r) {
    String set = r.headers().firstValue("Set-Cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  @Test
  void servesTheUiWithAnImportMapAndAStrictPolicy() {
    try (TestServer ts = new TestServer(dir)) {
      HttpResponse<String> index = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/")).GET());
      assertEquals(200, index.statusCode());
      assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertTrue(csp.contains("script-src 'self' 'sha256-"), csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      Matcher m = Pattern.compile("\"preact\":\"(/webjars/preact/[^\"]+)\"").matcher(index.body());
      assertTrue(m.find(), index.body());
      assertFalse(index.body().contains("{{"), "versions filled in");
      HttpResponse<String> preact = ts.send(HttpRequest.newBuilder(URI.create(ts.base + m.group(1))).GET());
      assertEquals(200, preact.statusCode());
      assertTrue(preact.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
      assertTrue(preact.headers().firstValue("Cache-Control").orElse("").contains("immutable"));

      HttpResponse<String> app = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/ui/app.js")).GET());
      assertEquals(200, app.statusCode());
      assertTrue(app.body().contains("from './lib.js'"));
      for (String bad : new String[] {"/ui/..%2Fapplication.properties", "/ui/%2E%2E/simplelogger.properties",
          "/ui/nope.js", "/ui/index", "/webjars/../dev/spindle/server/SpindleServer.class"}) {
        int status = ts.send(HttpRequest.newBuilder(URI.create(ts.base + bad)).GET()).statusCode();
        assertTrue(status == 404 || status == 400, bad + " -> " + status);
      }
    }
  }

  @Test
  void sessionCookieStandsForTheTokenUntilSignOut() {
    try (TestServer ts = new TestServer(dir)) {
      assertEquals(400, signIn(ts, "{}").statusCode());
      assertEquals(400, signIn(ts, "not json").statusCode());
      assertEquals(401, signIn(ts, "{\"token\":\"spd_wrong\"}").statusCode());
      HttpResponse<String> ok = signIn(ts, "{\"token\":\"" + ts.token + "\"}");
      assertEquals(200, ok.statusCode());
      String set = ok.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(set.startsWith("spindle_session="), set);
      assertTrue(set.contains("; HttpOnly"), set);
      assertTrue(set.contains("; SameSite=Strict"), set);
      assertTrue(set.contains("; Path=/"), set);
      assertFalse(set.contains(ts.token), "the cookie is not the token");
      String cookie = sessionCookie(ok);

      assertEquals(200, withCookie(ts, "/api/v1/projects", cookie).statusCode());
      assertEquals("{\"signedIn\":true}", withCookie(ts, "/auth/session", cookie).body());
      assertEquals(401, withCookie(ts, "/api/v1/projects", "spindle_session=forged").statusCode());
      // A wrong Authorization header is not rescued by the cookie.
      assertEquals(401, ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/api/v1/projects"))
          .header("Cookie", cookie).header("Authorization", "Bearer spd_wrong").GET()).statusCode());

      HttpResponse<String> out = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/auth/session"))
          .header("Cookie", cookie).DELETE());
      assertEquals(204, out.statusCode());
      assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
      assertEquals(401, withCookie(ts, "/api/v1/projects", cookie).statusCode());
      assertEquals("{\"signedIn\":false}", withCookie(ts, "/auth/session", cookie).body());
    }
  }

  @Test
  void revokingTheTokenEndsItsSessions() {
    try (TestServer ts = new TestServer(dir)) {
      String token = dev.spindle.server.auth.Tokens.newApiToken();
      ApiToken t = ts.server.storage().metadata().createToken("ui", dev.spindle.server.auth.Tokens.sha256(token));
      String cookie = sessionCookie(signIn(ts, "{\"token\":\"" + token + "\"}"));
      assertEquals(200, withCookie(ts, "/api/v1/projects", cookie).statusCode());
      assertTrue(ts.server.storage().metadata().revokeToken(t.id()));
      assertEquals(401, withCookie(ts, "/api/v1/projects", cookie).statusCode());
    }
  }



  @Test
  void insightEndpointsAnswerForTheSummaryView() {
    try (TestServer ts = new TestServer(dir)) {
      UiFixture fx = new UiFixture(ts).seed();
      String q = "&query=" + java.net.URLEncoder.encode("transaction:\"GET /checkout\"", java.nio.charset.StandardCharsets.UTF_8);
      JsonNode h = ts.getJson("/api/v1/transactions/histogram?project=1&buckets=10" + q).get("data");
      assertEquals(10, h.size());
      long total = 0;
      for (JsonNode b : h) total += b.get("count").asLong();
      assertEquals(6, total);
      assertEquals(200.0, h.get(0).get("fromMs").asDouble(), 0.01);
      assertEquals(1200.0, h.get(9).get("toMs").asDouble(), 0.01);

      JsonNode ops = ts.getJson("/api/v1/transactions/spanops?project=1" + q).get("data");
      assertEquals("http.client", ops.get(0).get("op").asText(), ops.toString());
      assertEquals(6, ops.get(0).get("transactionCount").asLong());
      assertTrue(ops.get(0).get("shareOfTime").asDouble() > 0.5);

      JsonNode errs = ts.getJson("/api/v1/errors?project=" + fx.paymentsProject).get("data");
      assertEquals(1, errs.size());
      assertEquals(fx.errorEventId, errs.get(0).get("eventId").asText());
      assertEquals(fx.traceId, errs.get(0).get("traceId").asText());
      assertEquals(fx.dbSpanId, errs.get(0).get("spanId").asText());
      assertEquals("PaymentDeclined", errs.get(0).get("exceptionType").asText());
      assertEquals(0, ts.getJson("/api/v1/errors?project=1").get("data").size());
      assertEquals(1, ts.getJson("/api/v1/errors?transaction=POST%20/pay").get("data").size());

      assertEquals(400, ts.get("/api/v1/transactions/histogram?buckets=0").statusCode());
      assertEquals(400, ts.get("/api/v1/errors?limit=abc").statusCode());
      assertEquals(400, ts.get("/api/v1/transactions/spanops?query=nope:1").statusCode());
      assertEquals(401, ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/api/v1/errors")).GET()).statusCode());
    }
  }
}
