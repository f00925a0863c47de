package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spindle.server.cli.Main;
import dev.spindle.testsupport.KafkaTestBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * {@code spindle serve} refuses role and storage combinations that cannot work, before starting;
 * every command that opens storage takes the same storage options.
 */
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
  void offlineCommandsRefuseAnUnknownStorage() {
    String data = dir.toString();
    assertEquals(2, Main.run("projects", "list", "--data", data, "--storage", "mongodb"));
    assertEquals(2, Main.run("tokens", "list", "--data", data, "--storage", "mongodb"));
  }

  @Test
  void everyStorageCommandHasServesStorageOptions() {
    CommandLine spindle = new CommandLine(new Main());
    CommandSpec serve = spindle.getSubcommands().get("serve").getCommandSpec();
    List<String> withStorage = new ArrayList<>();
    collect(spindle, withStorage);
    assertEquals(List.of("spindle serve", "spindle projects create", "spindle projects list",
        "spindle tokens create", "spindle tokens revoke", "spindle tokens list"), withStorage);
    for (String path : withStorage) {
      CommandSpec cmd = spindle.getCommandSpec();
      for (String name : path.substring("spindle ".length()).split(" ")) {
        cmd = cmd.subcommands().get(name).getCommandSpec();
      }
      for (String option : List.of("--data", "--storage", "--clickhouse-url", "--clickhouse-database")) {
        OptionSpec expected = serve.findOption(option);
        OptionSpec actual = cmd.findOption(option);
        assertNotNull(actual, path + " " + option);
        assertEquals(expected.defaultValue(), actual.defaultValue(), path + " " + option);
        assertEquals(List.of(expected.description()), List.of(actual.description()), path + " " + option);
      }
    }
  }

  private static void collect(CommandLine cmd, List<String> withStorage) {
    if (cmd.getCommandSpec().findOption("--data") != null) {
      withStorage.add(cmd.getCommandSpec().qualifiedName());
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      collect(sub, withStorage);
    }
  }

  @Test
  void rolesParse() {
    assertEquals(Role.WRITER, Role.parse(" Writer "));
    assertThrows(IllegalArgumentException.class, () -> Role.parse("leader"));
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
