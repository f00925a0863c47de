package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.auth.Tokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoped API tokens across the whole {@code /api/v1} surface: a read token is refused every admin
 * endpoint with 403, sees only its projects (403 for any other, existing or not) and answers 200
 * for its own; a project admin manages only its projects; UI sessions carry their token's scope,
 * survive a restart, end when idle or revoked; sign-in attempts are rate-limited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessTest {
  /** Every data endpoint, with what it needs besides the project. */
  static final List<String> DATA = List.of(
      "/api/v1/traces?statsPeriod=1h", "/api/v1/transactions?statsPeriod=1h",
      "/api/v1/transactions/timeseries?statsPeriod=1h", "/api/v1/transactions/histogram?statsPeriod=1h",
      "/api/v1/transactions/spanops?statsPeriod=1h", "/api/v1/errors?statsPeriod=1h",
      "/api/v1/outcomes?statsPeriod=1h", "/api/v1/discover?statsPeriod=1h&field=transaction&field=count()",
      "/api/v1/service-map?statsPeriod=1h", "/api/v1/propagation?statsPeriod=1h");

  @TempDir static Path dir;
  TestServer ts;
  UiFixture fx;
  long shop;
  long payments;
  String reader;
  String projectAdmin;
  String twoProjects;

  @BeforeAll
  void start() {
    ts = new TestServer(dir.resolve("shared"));
    fx = new UiFixture(ts).seed();
    shop = 1;
    payments = fx.paymentsProject;
    reader = createToken("{\"name\":\"shop-viewer\",\"scope\":\"read\",\"projects\":[" + shop + "]}").get("token").asText();
    projectAdmin = createToken("{\"name\":\"shop-admin\",\"scope\":\"admin\",\"projects\":[" + shop + "]}").get("token").asText();
    twoProjects = createToken("{\"scope\":\"read\",\"projects\":[" + payments + "," + shop + "]}").get("token").asText();
  }

  @AfterAll
  void stop() {
    if (ts != null) ts.close();
  }

  JsonNode createToken(String body) {
    HttpResponse<String> r = send(ts, ts.token, "POST", "/api/v1/tokens", body);
    assertEquals(201, r.statusCode(), r.body());
    return TestServer.json(r.body());
  }

  static HttpResponse<String> send(TestServer ts, String token, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ts.base + path)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    return ts.send(b);
  }

  static void assertRefused(HttpResponse<String> r, int status, String message) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(TestServer.json(r.body()).get("detail").asText().contains(message), r.body());
  }

  /** The admin endpoints, each with a harmless body. */
  List<String[]> adminEndpoints() {
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {"POST", "/api/v1/projects", "{\"name\":\"sneaky\"}"});
    out.add(new String[] {"POST", "/api/v1/projects/" + shop + "/rotate-key", null});
    out.add(new String[] {"PATCH", "/api/v1/projects/" + shop, "{\"scrubPii\":false}"});
    out.add(new String[] {"GET", "/api/v1/tokens", null});
    out.add(new String[] {"POST", "/api/v1/tokens", "{\"name\":\"escalate\"}"});
    out.add(new String[] {"DELETE", "/api/v1/tokens/1", null});
    return out;
  }

  @Test
  void aReadTokenIsRefusedEveryAdminEndpoint() {
    String dsnBefore = TestServer.json(ts.get("/api/v1/projects").body()).get("data").get(0).get("dsn").asText();
    int tokensBefore = TestServer.json(ts.get("/api/v1/tokens").body()).get("data").size();
    for (String[] e : adminEndpoints()) {
      assertRefused(send(ts, reader, e[0], e[1], e[2]), 403, "this API token is read-only: " + e[0] + " " + e[1]);
    }
    JsonNode projects = TestServer.json(ts.get("/api/v1/projects").body()).get("data");
    assertEquals(2, projects.size(), "no project was created");
    assertEquals(dsnBefore, projects.get(0).get("dsn").asText(), "the key was not rotated");
    assertTrue(projects.get(0).get("scrubPii").asBoolean());
    assertEquals(tokensBefore, TestServer.json(ts.get("/api/v1/tokens").body()).get("data").size());
    assertEquals(200, ts.get("/api/v1/projects").statusCode(), "the admin token still works");
  }

  @Test
  void aReadTokenSeesItsProjectOnly() {
    JsonNode me = TestServer.json(send(ts, reader, "GET", "/api/v1/whoami", null).body());
    assertEquals("read", me.get("scope").asText());
    assertEquals("[" + shop + "]", me.get("projects").toString());
    JsonNode projects = TestServer.json(send(ts, reader, "GET", "/api/v1/projects", null).body()).get("data");
    assertEquals(1, projects.size(), projects.toString());
    assertEquals(shop, projects.get(0).get("id").asLong());
    // One fixed window for both requests: with statsPeriod a minute boundary between them shifts the series.
    long now = System.currentTimeMillis() / 1000;
    String window = "start=" + (now - 3600) + "&end=" + (now + 60);
    for (String path : DATA) {
      HttpResponse<String> own = send(ts, reader, "GET", path + "&project=" + shop, null);
      assertEquals(200, own.statusCode(), path + " " + own.body());
      String fixed = path.replace("statsPeriod=1h", window);
      assertEquals(send(ts, reader, "GET", fixed + "&project=" + shop, null).body(), send(ts, reader, "GET", fixed, null).body(),
          "without project, a token of one project means that project: " + path);
      assertRefused(send(ts, reader, "GET", path + "&project=" + payments, null), 403,
          "this API token may not see project " + payments + " (it sees project " + shop + ")");
      assertRefused(send(ts, reader, "GET", path + "&project=999", null), 403, "may not see project 999");
      assertRefused(send(ts, reader, "GET", path + "&project=abc", null), 400, "invalid project id");
    }
    // The cross-project checkout trace shows only the shop's part to this token.
    JsonNode trace = TestServer.json(send(ts, reader, "GET", "/api/v1/traces/" + fx.traceId, null).body());
    assertFalse(trace.toString().contains("POST /pay"), "the payments transaction is another project's");
    assertTrue(trace.toString().contains("GET /checkout"));
    assertTrue(ts.getJson("/api/v1/traces/" + fx.traceId).toString().contains("POST /pay"), "all of it for the admin");
    assertRefused(send(ts, reader, "GET", "/api/v1/traces/" + fx.traceId + "?project=" + payments, null), 403, "may not see");
    assertEquals(0, TestServer.json(send(ts, reader, "GET", "/api/v1/errors", null).body()).get("data").size(),
        "the payments error is not the shop's");
  }

  @Test
  void aTokenOfSeveralProjectsNamesOne() {
    assertRefused(send(ts, twoProjects, "GET", "/api/v1/transactions", null), 403,
        "this API token sees projects 1, " + payments + " only: pass project=<id>");
    assertEquals(200, send(ts, twoProjects, "GET", "/api/v1/transactions?project=" + payments, null).statusCode());
    assertEquals(1, TestServer.json(send(ts, twoProjects, "GET", "/api/v1/errors?project=" + payments, null).body())
        .get("data").size());
    assertEquals(2, TestServer.json(send(ts, twoProjects, "GET", "/api/v1/projects", null).body()).get("data").size());
  }

  @Test
  void aProjectAdminManagesItsProjectsOnly() {
    HttpResponse<String> rotated = send(ts, projectAdmin, "PATCH", "/api/v1/projects/" + shop, "{\"scrubPii\":true}");
    assertEquals(200, rotated.statusCode(), rotated.body());
    assertRefused(send(ts, projectAdmin, "POST", "/api/v1/projects/" + payments + "/rotate-key", null), 403,
        "may not see project " + payments);
    assertRefused(send(ts, projectAdmin, "PATCH", "/api/v1/projects/999", "{\"scrubPii\":true}"), 403, "may not see project 999");
    for (String[] e : adminEndpoints()) {
      if (e[1].startsWith("/api/v1/projects/")) continue;
      assertRefused(send(ts, projectAdmin, e[0], e[1], e[2]), 403,
          "this API token is limited to project 1: " + e[0] + " " + e[1] + " needs an admin token of every project");
    }
    // An unknown project stays a 404 for a token of every project.
    assertRefused(send(ts, ts.token, "POST", "/api/v1/projects/999/rotate-key", null), 404, "project 999 not found");
  }

  @Test
  void theTokenApiTakesAndShowsScopes() {
    JsonNode t = createToken("{\"name\":\"ci\"}");
    assertEquals("admin", t.get("scope").asText(), "admin by default, as before scopes");
    assertTrue(t.get("projects").isNull(), "every project by default");
    assertTrue(t.get("token").asText().startsWith("spd_"));
    JsonNode list = TestServer.json(ts.get("/api/v1/tokens").body()).get("data");
    JsonNode viewer = null;
    for (JsonNode x : list) if (x.get("name").asText().equals("shop-viewer")) viewer = x;
    assertEquals("read", viewer.get("scope").asText());
    assertEquals("[1]", viewer.get("projects").toString());
    assertFalse(list.toString().contains(reader), "never the secrets");
    assertRefused(send(ts, ts.token, "POST", "/api/v1/tokens", "{\"scope\":\"owner\"}"), 400, "scope: 'owner' (expected: read or admin)");
    assertRefused(send(ts, ts.token, "POST", "/api/v1/tokens", "{\"scope\":1}"), 400, "scope");
    assertRefused(send(ts, ts.token, "POST", "/api/v1/tokens", "{\"projects\":[999]}"), 400, "projects: project 999 not found");
    assertRefused(send(ts, ts.token, "POST", "/api/v1/tokens", "{\"projects\":[]}"), 400, "projects");
    assertRefused(send(ts, ts.token, "POST", "/api/v1/tokens", "{\"projects\":\"1\"}"), 400, "projects");
    assertRefused(send(ts, ts.token, "POST", "/api/v1/tokens", "{\"projects\":[-1]}"), 400, "projects");
  }

  @Test
  void aSessionHasItsTokensScopeAndEndsWithIt() {
    JsonNode created = createToken("{\"name\":\"ui\",\"scope\":\"read\",\"projects\":[" + payments + "]}");
    String cookie = WebUiApiTest.sessionCookie(WebUiApiTest.signIn(ts, "{\"token\":\"" + created.get("token").asText() + "\"}"));
    JsonNode projects = TestServer.json(WebUiApiTest.withCookie(ts, "/api/v1/projects", cookie).body()).get("data");
    assertEquals(1, projects.size());
    assertEquals(payments, projects.get(0).get("id").asLong());
    assertEquals(403, WebUiApiTest.withCookie(ts, "/api/v1/tokens", cookie).statusCode());
    assertEquals(403, WebUiApiTest.withCookie(ts, "/api/v1/transactions?project=1", cookie).statusCode());
    assertEquals(200, WebUiApiTest.withCookie(ts, "/api/v1/transactions", cookie).statusCode());

    assertEquals(204, send(ts, ts.token, "DELETE", "/api/v1/tokens/" + created.get("id").asLong(), null).statusCode());
    assertEquals(401, WebUiApiTest.withCookie(ts, "/api/v1/projects", cookie).statusCode(), "revoked with its token");
    String id = cookie.substring(cookie.indexOf('=') + 1);
    assertTrue(ts.server.storage().metadata().session(Tokens.sha256(id)).isEmpty(), "and gone from the storage");
  }

  @Test
  void sessionsSurviveARestartAndEndWhenIdle() throws Exception {
    Path data = dir.resolve("restart");
    String cookie;
    String token;
    try (TestServer first = new TestServer(data)) {
      token = first.token;
      cookie = WebUiApiTest.sessionCookie(WebUiApiTest.signIn(first, "{\"token\":\"" + token + "\"}"));
      assertEquals(200, WebUiApiTest.withCookie(first, "/api/v1/projects", cookie).statusCode());
    }
    try (TestServer second = new TestServer(SpindleServer.builder().port(0).dataDir(data)
        .sessionIdleTimeout(Duration.ofSeconds(2)))) {
      assertEquals(200, WebUiApiTest.withCookie(second, "/api/v1/projects", cookie).statusCode(), "after a restart");
      assertEquals("{\"signedIn\":true}", WebUiApiTest.withCookie(second, "/auth/session", cookie).body());
      Thread.sleep(2_200);
      assertEquals(401, WebUiApiTest.withCookie(second, "/api/v1/projects", cookie).statusCode(), "idle for 2 s");
      assertEquals("{\"signedIn\":false}", WebUiApiTest.withCookie(second, "/auth/session", cookie).body());
    }
  }

  @Test
  void signInAttemptsAreLimitedPerClient() {
    try (TestServer limited = new TestServer(dir.resolve("limited"))) {
      for (int i = 0; i < 10; i++) {
        assertEquals(401, WebUiApiTest.signIn(limited, "{\"token\":\"spd_guess" + i + "\"}").statusCode(), "attempt " + i);
      }
      HttpResponse<String> r = WebUiApiTest.signIn(limited, "{\"token\":\"" + limited.token + "\"}");
      assertRefused(r, 429, "too many sign-in attempts");
      long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retry >= 1 && retry <= 6, "one attempt every 6 s: " + retry);
      assertEquals(200, limited.get("/api/v1/projects").statusCode(), "API tokens are not held up");
    }
  }
}
