package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.storage.duckdb.DuckDbStorageProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up, for real: the server runs in a child JVM in its own mount namespace
 * ({@code unshare}), its data folder a 64 MiB tmpfs and the ingest log's folder in it another of
 * 16 MiB; the test fills either through {@code /proc/<pid>/root} and frees it again. Skipped where
 * unprivileged mount namespaces are not allowed.
 *
 * <p>The log's disk full: ingestion answers 503 with {@code Retry-After} and says so, queries are
 * answered, and once space returns ingestion resumes. DuckDB's disk full (the log still has room):
 * ingestion goes on acknowledging what the log holds, queries are answered from what is loaded,
 * and once space returns the loader catches up. No restart; every acknowledged transaction is
 * there once, with all its spans.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DiskFullTest {
  private static final int CHILD_SPANS = 5;
  private static final String DATA = "/tmp/spindle-disk-full-test";

  @TempDir static Path dir;
  private static ChildServer server;
  private static Path data; // the child's data folder, as this process sees it
  private static String key;
  private static String token;
  private final List<String> acked = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(mountNamespacesWork(), "unshare -rm cannot mount a tmpfs here");
    String log = DATA + "/" + DuckDbStorageProvider.FILE + ".ingest";
    server = ChildServer.start(dir.resolve("child-stderr.log"), List.of("unshare", "-rm", "sh", "-c",
        "mkdir -p " + DATA + " && mount -t tmpfs -o size=64m tmpfs " + DATA + " && mkdir " + log
            + " && mount -t tmpfs -o size=16m tmpfs " + log + " && exec \"$@\"", "sh"),
        "--port", "0", "--data", DATA);
    data = Path.of("/proc/" + server.process().pid() + "/root" + DATA);
    JsonNode boot = TestServer.json(Files.readString(data.resolve("bootstrap.json")));
    key = TestServer.publicKey(boot.get("dsn").asText());
    token = boot.get("apiToken").asText();
  }

  private static boolean mountNamespacesWork() throws Exception {
    try {
      Process p = new ProcessBuilder("unshare", "-rm", "sh", "-c",
          "mkdir -p " + DATA + " && mount -t tmpfs -o size=1m tmpfs " + DATA).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no unshare
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server == null) return;
    server.process().destroy();
    if (!server.process().waitFor(30, TimeUnit.SECONDS)) server.process().destroyForcibly();
  }

  /** Fills the disk under {@code folder} with a file; returns it. */
  private static Path fill(Path folder) throws IOException {
    Path filler = folder.resolve("filler");
    byte[] mib = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1_000; i++) out.write(mib);
      throw new AssertionError("1 GiB written to a 64 MiB file system?");
    } catch (IOException full) {
      return filler;
    }
  }

  private HttpResponse<String> send() throws Exception {
    String traceId = TestServer.hex(32);
    double now = TestServer.nowSec();
    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/1/envelope/?sentry_key=" + key))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(TestServer.transaction(
            traceId, TestServer.hex(32), TestServer.hex(16), null, "GET /full", now - 0.5, now, CHILD_SPANS))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200) acked.add(traceId);
    return r;
  }

  /** The trace's span count, or 0 when it is not (yet) there; the query must answer in time. */
  private static int spans(String traceId) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/traces/" + traceId))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "a query answered within 10 s");
    if (r.statusCode() == 404) return 0;
    assertEquals(200, r.statusCode(), r.body());
    return 1 + TestServer.json(r.body()).get("transactions").get(0).get("spans").size();
  }

  /** Every acknowledged transaction becomes visible, once, with all its spans (30 s at most). */
  private void assertAllAckedThereOnce() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (String id : acked) {
      int n;
      while ((n = spans(id)) == 0 && System.nanoTime() < deadline) Thread.sleep(100);
      assertEquals(1 + CHILD_SPANS, n, "spans of acknowledged trace " + id);
    }
  }

  @Test
  void theLogsDiskFullRefusesWith503UntilThereIsRoomAgain() throws Exception {
    for (int i = 0; i < 10; i++) assertEquals(200, send().statusCode());
    String before = acked.get(0);
    Path filler = fill(data.resolve(DuckDbStorageProvider.FILE + ".ingest"));
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = send(); // a 200 is possible: a record may fit in the last page's slack
      if (r.statusCode() == 200) continue;
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.body().contains("disk is full"), r.body());
      assertEquals("60", r.headers().firstValue("Retry-After").orElse(null));
      refused++;
    }
    assertTrue(refused >= 15, refused + " of 20 refused");
    assertEquals(1 + CHILD_SPANS, spans(before), "queries are answered meanwhile");
    Files.delete(filler);
    for (int i = 0; i < 10; i++) assertEquals(200, send().statusCode(), "room again: no restart needed");
    assertAllAckedThereOnce();
  }

  @Test
  void duckDbsDiskFullKeepsAcknowledgingWhatTheLogHoldsAndLoadsItWhenThereIsRoom() throws Exception {
    Path filler = fill(data);
    // The log has room, so writes are acknowledged; the loader fails to load them (retrying).
    for (int i = 0; i < 100; i++) assertEquals(200, send().statusCode());
    String last = acked.get(acked.size() - 1);
    assertEquals(0, spans(last), "not loaded while DuckDB's disk is full (else the test filled nothing)");
    assertEquals(0, spans(last), "a second query does not wait for the stalled loader either");
    Files.delete(filler);
    assertAllAckedThereOnce();
    assertFalse(acked.isEmpty());
  }
}
