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
  void unreachableClickHouseIsAClearFailure() throws Exception {
    int closed = KafkaTestBroker.freePort();
    assertEquals(1, serve("--role", "query", "--storage", "clickhouse", "--clickhouse-url", "http://127.0.0.1:" + closed));
  }
}
