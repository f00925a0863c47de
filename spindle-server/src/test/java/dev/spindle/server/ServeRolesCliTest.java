package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle serve} refuses role and storage combinations that cannot work, before starting. */
class ServeRolesCliTest {
  @TempDir Path dir;

  private int serve(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "serve";
    all[1] = "--port";
    all[2] = "0";
    all[3] = "--data";
    all[4] = dir.toString();
    System.arraycopy(args, 0, all, 5, args.length);
    return Main.run(all);
  }

  @Test
  void unknownRoleOrStorage() {
    assertEquals(2, serve("--role", "leader"));
    assertEquals(2, serve("--storage", "mongodb"));
  }

  @Test
  void splitRolesNeedSharedStorageAndKafka() {
    assertEquals(2, serve("--role", "writer"), "DuckDB is one process's file");
    assertEquals(2, serve("--role", "ingest", "--storage", "clickhouse"), "no --kafka-bootstrap");
    assertEquals(2, serve("--role", "writer", "--storage", "clickhouse", "--kafka-bootstrap", " "));
  }

  @Test
  void projectsAndTokensOnClickHouse() throws Exception {
    String url = dev.spindle.storage.clickhouse.LocalClickHouse.url();
    String db = "spindle_cli_" + Long.toHexString(System.nanoTime());
    String[] ch = {"--storage", "clickhouse", "--clickhouse-url", url, "--clickhouse-database", db};
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.PrintStream old = System.out;
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      try {
        assertEquals(0, Main.run(concat(new String[] {"projects", "create", "--name", "shop"}, ch)));
        assertEquals(0, Main.run(concat(new String[] {"tokens", "create", "--name", "ops"}, ch)));
        assertEquals(0, Main.run(concat(new String[] {"projects", "list"}, ch)));
      } finally {
        System.setOut(old);
      }
      String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
      try (dev.spindle.storage.Storage s = dev.spindle.storage.clickhouse.ClickHouseStorage.builder(url).database(db).open()) {
        assertEquals("shop", s.metadata().project(1).orElseThrow().name());
        assertEquals("ops", s.metadata().tokens().get(0).name());
      }
      assertEquals(true, printed.contains("1\tshop\thttp://"), printed);
    } finally {
      dev.spindle.storage.clickhouse.ClickHouseStorage.builder(url).database(db).open().dropAll();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void unreachableClickHouseIsAClearFailure() throws Exception {
    int closed = KafkaTestBroker.freePort();
    assertEquals(1, serve("--role", "query", "--storage", "clickhouse", "--clickhouse-url", "http://127.0.0.1:" + closed));
  }
}
