package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.spindle.storage.clickhouse.ClickHouseStorage;
import dev.spindle.storage.clickhouse.LocalClickHouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fresh cluster of two ClickHouse servers as two shards, each Spindle node talking to one of
 * them: a query node started before any other node waits until the other server has the tables
 * (a node against it creates them), then creates the first project and answers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterStartOrderTest {
  private static ClickHouseStorage.Builder storage(String url, String db) {
    return ClickHouseStorage.builder(url).database(db).cluster(LocalClickHouse.TWO_SHARDS);
  }

  @Test
  void aQueryNodeStartedFirstOnAFreshClusterWaitsThenComesUp() throws Exception {
    List<String> shards = LocalClickHouse.twoShards();
    String db = "spindle_order_" + Long.toHexString(System.nanoTime());
    try {
      CompletableFuture<SpindleServer> query = CompletableFuture.supplyAsync(() -> SpindleServer.builder().port(0)
          .role(Role.QUERY).storage(storage(shards.get(0), db).open())
          .out(new PrintStream(new ByteArrayOutputStream(), true)).start());
      Thread.sleep(3_000);
      if (query.isDone()) query.join(); // its failure, if it failed
      assertFalse(query.isDone(), "the query node waits while the second server has no tables");
      // A writer or ingest node against the second server: opening its storage creates them there.
      try (ClickHouseStorage second = storage(shards.get(1), db).open();
          SpindleServer q = query.get(60, TimeUnit.SECONDS)) {
        assertNotNull(q.bootstrap().apiToken(), "the query node made project 1 and the admin token");
        assertEquals(1, second.metadata().projects().size(), "seen through the other server");
        HttpResponse<String> projects = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(q.url() + "/api/v1/projects"))
            .header("Authorization", "Bearer " + q.bootstrap().apiToken()).timeout(Duration.ofSeconds(20)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, projects.statusCode(), projects.body());
      }
    } finally {
      for (String url : shards) {
        TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/")).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString("DROP DATABASE IF EXISTS " + db)).build(),
            HttpResponse.BodyHandlers.discarding());
      }
    }
  }
}
