package dev.spindle.storage.clickhouse;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The ClickHouse the tests use: {@code SPINDLE_CLICKHOUSE_URL} when set (CI starts one with
 * {@code .ci/clickhouse-start}), else a server this JVM starts once on 127.0.0.1 free ports with a
 * throw-away data folder, when {@code clickhouse-server} is installed. Without either, tests are
 * skipped with a message — unless the environment variable {@code CI} is set: then they fail.
 */
public final class LocalClickHouse {
  /** The cluster of {@link #twoShards()}. */
  public static final String TWO_SHARDS = "spindle_two_shards";

  private static String url;
  private static String cluster;
  private static String problem;
  private static boolean tried;
  private static List<String> shards;
  private static String shardsProblem;

  private LocalClickHouse() {}

  /** The base URL of a running ClickHouse; skips (or, under CI, fails) the test when there is none. */
  public static synchronized String url() {
    if (!tried) {
      tried = true;
      find();
    }
    if (url == null) {
      String why = "ClickHouse is not available (" + problem + "): install clickhouse-server or set "
          + "SPINDLE_CLICKHOUSE_URL";
      if (System.getenv("CI") != null) throw new AssertionError(why + "; CI is set, so this is a failure");
      Assumptions.abort(why + "; test skipped");
    }
    return url;
  }

  /** The name of a cluster that has this server as its one shard, or null. */
  public static synchronized String cluster() {
    url();
    return cluster;
  }

  /**
   * The URLs of two servers this JVM starts (once) as the two shards of the cluster
   * {@link #TWO_SHARDS}, which both know; skips (or, under CI, fails) the test when
   * {@code clickhouse-server} is not installed.
   */
  public static synchronized List<String> twoShards() {
    if (shards == null && shardsProblem == null) {
      List<String> command = command();
      if (command.isEmpty()) {
        shardsProblem = "no clickhouse-server on the PATH";
      } else {
        try {
          int[] tcp = {freePort(), freePort()};
          String remote = "  <remote_servers><" + TWO_SHARDS + ">"
              + "<shard><replica><host>127.0.0.1</host><port>" + tcp[0] + "</port></replica></shard>"
              + "<shard><replica><host>127.0.0.1</host><port>" + tcp[1] + "</port></replica></shard>"
              + "</" + TWO_SHARDS + "></remote_servers>\n";
          List<String> urls = new ArrayList<>();
          for (int t : tcp) {
            String u = start(command, t, remote);
            if (u == null) break;
            urls.add(u);
          }
          if (urls.size() == 2) shards = List.copyOf(urls);
          else shardsProblem = problem;
        } catch (IOException | RuntimeException e) {
          shardsProblem = "starting " + command + " failed: " + e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          shardsProblem = "interrupted";
        }
      }
    }
    if (shards == null) {
      String why = "two ClickHouse shards are not available (" + shardsProblem + ")";
      if (System.getenv("CI") != null) throw new AssertionError(why + "; CI is set, so this is a failure");
      Assumptions.abort(why + "; test skipped");
    }
    return shards;
  }

  private static List<String> command() {
    List<String> command = new ArrayList<>();
    for (String dir : (System.getenv("PATH") + ":/usr/sbin:/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "clickhouse-server"))) {
        command.add(Path.of(dir, "clickhouse-server").toString());
        break;
      }
      if (Files.isExecutable(Path.of(dir, "clickhouse"))) {
        command.add(Path.of(dir, "clickhouse").toString());
        command.add("server");
        break;
      }
    }
    return command;
  }

  private static void find() {
    String env = System.getenv("SPINDLE_CLICKHOUSE_URL");
    if (env != null && !env.isBlank()) {
      url = env.trim();
      cluster = System.getenv("SPINDLE_CLICKHOUSE_CLUSTER");
      return;
    }
    List<String> command = command();
    if (command.isEmpty()) {
      problem = "no clickhouse-server on the PATH";
      return;
    }
    try {
      int tcp = freePort();
      url = start(command, tcp, "  <remote_servers><spindle_local><shard><replica><host>127.0.0.1</host><port>" + tcp
          + "</port></replica></shard></spindle_local></remote_servers>\n");
      if (url != null) cluster = "spindle_local";
    } catch (IOException | RuntimeException e) {
      problem = "starting " + command + " failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Starts a server on {@code tcp} and a free HTTP port; its URL, or null (and {@link #problem}). */
  private static String start(List<String> command, int tcp, String remoteServers) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("spindle-clickhouse-");
    int http = freePort();
    String config = "<?xml version=\"1.0\"?>\n<yandex>\n"
        + "  <logger><level>warning</level><log>" + dir + "/server.log</log><errorlog>" + dir
        + "/error.log</errorlog><size>50M</size><count>1</count></logger>\n"
        + "  <listen_host>127.0.0.1</listen_host>\n"
        + "  <http_port>" + http + "</http_port>\n  <tcp_port>" + tcp + "</tcp_port>\n"
        + "  <path>" + dir + "/data/</path>\n  <tmp_path>" + dir + "/tmp/</tmp_path>\n"
        + "  <user_files_path>" + dir + "/data/user_files/</user_files_path>\n"
        + "  <users_config>" + dir + "/users.xml</users_config>\n"
        + "  <default_profile>default</default_profile>\n  <default_database>default</default_database>\n"
        + "  <mark_cache_size>268435456</mark_cache_size>\n  <timezone>UTC</timezone>\n"
        + remoteServers
        + "</yandex>\n";
    String users = "<?xml version=\"1.0\"?>\n<yandex>\n"
        + "  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>\n"
        + "  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>"
        + "<profile>default</profile><quota>default</quota></default></users>\n"
        + "  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>"
        + "<result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>"
        + "</interval></default></quotas>\n</yandex>\n";
    Files.writeString(dir.resolve("config.xml"), config);
    Files.writeString(dir.resolve("users.xml"), users);
    List<String> cmd = new ArrayList<>(command);
    cmd.add("--config-file=" + dir.resolve("config.xml"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
      } catch (InterruptedException ignored) {
        p.destroyForcibly();
      }
    }));
    String base = "http://127.0.0.1:" + http;
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/ping"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return base;
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    problem = "clickhouse-server did not answer within 60 s; see " + dir;
    return null;
  }
}
