package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.server.auth.AuthCache;
import dev.spindle.storage.clickhouse.ClickHouseStorage;
import dev.spindle.storage.clickhouse.LocalClickHouse;
import dev.spindle.testsupport.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out nodes share their metadata: two ingest and two query nodes on one ClickHouse (and a
 * Kafka broker, which the ingest nodes acknowledge into). A key rotated, a token revoked or a UI
 * session ended through one query node is refused by every other node within
 * {@link AuthCache#REFRESH_MS}, although each of them had it cached as valid.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedMetadataTest {
  /** Slack over the refresh time for the request that observes it on a loaded machine. */
  private static final long SLACK_MS = 3_000;

  @TempDir Path dir;

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return TestServer.HTTP.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int envelope(SpindleServer ingest, String key) throws Exception {
    double now = TestServer.nowSec();
    String env = TestServer.transaction(TestServer.hex(32), TestServer.hex(32), TestServer.hex(16), null, "GET /shared",
        now - 0.1, now, 1);
    return send(HttpRequest.newBuilder(URI.create(ingest.url() + "/api/1/envelope/?sentry_key=" + key))
        .POST(HttpRequest.BodyPublishers.ofString(env))).statusCode();
  }

  private static HttpResponse<String> api(SpindleServer query, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(query.url() + path)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return send(b);
  }

  /**
   * Polls {@code status} until {@code done}; asserts it got there within the refresh time (plus
   * slack) of {@code sinceNanos}, the moment the change was acknowledged.
   */
  private static void within(String what, long sinceNanos, Supplier<Integer> status, IntPredicate done) throws Exception {
    int last = -1;
    long deadline = sinceNanos + TimeUnit.MILLISECONDS.toNanos(AuthCache.REFRESH_MS + SLACK_MS);
    while (System.nanoTime() < deadline) {
      last = status.get();
      if (done.test(last)) return;
      Thread.sleep(100);
    }
    throw new AssertionError(what + ": still " + last + " " + (AuthCache.REFRESH_MS + SLACK_MS) + " ms after the change");
  }

  private static Supplier<Integer> unchecked(Callable<Integer> c) {
    return () -> {
      try {
        return c.call();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  @Test
  void keysTokensAndSessionsChangedOnOneNodeAreHonouredByTheOthersWithinTheRefreshTime() throws Exception {
    String clickhouse = LocalClickHouse.url();
    String db = "spindle_shared_" + Long.toHexString(System.nanoTime());
    List<AutoCloseable> nodes = new ArrayList<>();
    try (KafkaTestBroker kafka = KafkaTestBroker.start(dir.resolve("kafka"))) {
      SpindleServer queryA = ScaleOutTest.node(Role.QUERY, clickhouse, db, null);
      nodes.add(queryA);
      SpindleServer queryB = ScaleOutTest.node(Role.QUERY, clickhouse, db, null);
      nodes.add(queryB);
      assertEquals(null, queryB.bootstrap().apiToken(), "the second query node finds the first one's project");
      SpindleServer ingestX = ScaleOutTest.node(Role.INGEST, clickhouse, db, kafka.bootstrap);
      nodes.add(ingestX);
      SpindleServer ingestY = ScaleOutTest.node(Role.INGEST, clickhouse, db, kafka.bootstrap);
      nodes.add(ingestY);
      String admin = queryA.bootstrap().apiToken();
      String oldKey = TestServer.publicKey(queryA.bootstrap().dsn());

      // Every node knows (and caches) the key, the token and the session.
      assertEquals(200, envelope(ingestX, oldKey));
      assertEquals(200, envelope(ingestY, oldKey));
      HttpResponse<String> made = api(queryA, "POST", "/api/v1/tokens", admin, "{\"name\":\"ci\",\"scope\":\"read\"}");
      assertEquals(201, made.statusCode(), made.body());
      String token = TestServer.json(made.body()).get("token").asText();
      long tokenId = TestServer.json(made.body()).get("id").asLong();
      assertEquals(200, api(queryB, "GET", "/api/v1/whoami", token, null).statusCode());
      HttpResponse<String> signedIn = send(HttpRequest.newBuilder(URI.create(queryA.url() + "/auth/session"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + admin + "\"}")));
      assertEquals(200, signedIn.statusCode(), signedIn.body());
      String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      Supplier<Integer> sessionOnB = unchecked(() -> send(HttpRequest.newBuilder(URI.create(queryB.url() + "/api/v1/whoami"))
          .header("Cookie", cookie).GET()).statusCode());
      assertEquals(200, sessionOnB.get(), "a session made on one query node works on the other");

      // The key is rotated through query node A: both ingest nodes refuse the old key, take the new one.
      HttpResponse<String> rotated = api(queryA, "POST", "/api/v1/projects/1/rotate-key", admin, null);
      long rotatedAt = System.nanoTime();
      assertEquals(200, rotated.statusCode(), rotated.body());
      String newKey = TestServer.publicKey(TestServer.json(rotated.body()).get("dsn").asText());
      for (SpindleServer ingest : List.of(ingestX, ingestY)) {
        within("the old key on " + ingest.url(), rotatedAt, unchecked(() -> envelope(ingest, oldKey)), s -> s == 401 || s == 403);
        within("the new key on " + ingest.url(), rotatedAt, unchecked(() -> envelope(ingest, newKey)), s -> s == 200);
      }

      // The token is revoked and the session ended through node A: node B refuses both.
      assertEquals(204, api(queryA, "DELETE", "/api/v1/tokens/" + tokenId, admin, null).statusCode());
      long revokedAt = System.nanoTime();
      within("the revoked token on query node B", revokedAt,
          unchecked(() -> api(queryB, "GET", "/api/v1/whoami", token, null).statusCode()), s -> s == 401);
      assertEquals(204, send(HttpRequest.newBuilder(URI.create(queryA.url() + "/auth/session")).header("Cookie", cookie)
          .DELETE()).statusCode());
      long signedOutAt = System.nanoTime();
      within("the ended session on query node B", signedOutAt, sessionOnB, s -> s == 401);
    } finally {
      for (AutoCloseable c : nodes) c.close();
      ClickHouseStorage.builder(clickhouse).database(db).open().dropAll();
    }
  }
}
