package dev.spindle.server.cli;

import dev.spindle.server.Role;
import dev.spindle.server.SpindleServer;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Project;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.StorageProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The {@code spindle} command line: {@code serve}, {@code projects}, {@code tokens}. */
@Command(name = "spindle", mixinStandardHelpOptions = true, version = "spindle 0.1.0-SNAPSHOT",
    description = "Spindle distributed tracing server.",
    subcommands = {Main.Serve.class, Main.Projects.class, Main.Tokens.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8790", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--otlp-grpc-port", defaultValue = "-1", description = "Port of OTLP/gRPC trace ingestion, e.g. 4317, on the --bind address (default: off; 0 = any free port).")
    int otlpGrpcPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @CommandLine.Mixin StorageOptions storage = new StorageOptions();

    @Option(names = "--clickhouse-cluster", description = "Same as --storage-option cluster=NAME: a ClickHouse cluster (remote_servers), Distributed tables sharded by trace id.")
    String clickhouseCluster;

    @Option(names = "--clickhouse-on-cluster", description = "Same as --storage-option on-cluster=true: create the schema ON CLUSTER (needs ClickHouse Keeper/ZooKeeper).")
    boolean clickhouseOnCluster;

    @Option(names = "--role", defaultValue = "all", description = "all (one machine), ingest, writer or query (default: ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--kafka-bootstrap", description = "Kafka bootstrap servers (host:port,...); required by ingest and writer roles.")
    String kafkaBootstrap;

    @Option(names = "--kafka-topic", description = "Kafka topic of ingested rows (default: spindle-rows).")
    String kafkaTopic;

    @Option(names = "--kafka-partitions", description = "Partitions when Spindle creates the topic (default: 12).")
    Integer kafkaPartitions;

    @Option(names = "--kafka-group", description = "Consumer group of writer nodes (default: spindle-writers).")
    String kafkaGroup;

    @Option(names = "--retention-days", defaultValue = "30", description = "Days to keep data (default: ${DEFAULT-VALUE}).")
    int retentionDays;

    @Option(names = "--max-item-bytes", defaultValue = "1048576", description = "Largest envelope item after decompression (default: ${DEFAULT-VALUE}).")
    long maxItemBytes;

    @Option(names = "--max-envelope-bytes", defaultValue = "20971520", description = "Largest request body, compressed or not (default: ${DEFAULT-VALUE}).")
    long maxEnvelopeBytes;

    @Option(names = "--project-rate-limit", defaultValue = "0",
        description = "Ingestion requests a minute per project; beyond: 429 (default: ${DEFAULT-VALUE}, no limit).")
    int projectRateLimit;

    @Option(names = "--key-rate-limit", defaultValue = "0",
        description = "Ingestion requests a minute per DSN key; beyond: 429 (default: ${DEFAULT-VALUE}, no limit).")
    int keyRateLimit;

    @Option(names = "--project-daily-quota", defaultValue = "0",
        description = "Spans a project may store per UTC day; beyond: 429 until midnight UTC (default: ${DEFAULT-VALUE}, no quota).")
    long projectDailyQuota;

    @Option(names = "--session-idle-timeout", defaultValue = "30m", converter = DurationConverter.class,
        description = "A web UI session ends after this long unused, e.g. 90s, 30m, 8h (default: ${DEFAULT-VALUE}).")
    Duration sessionIdleTimeout;

    @Option(names = "--assembly-wait-seconds", defaultValue = "30", description = "How long spans that came before their transaction's root span wait for it (default: ${DEFAULT-VALUE}).")
    long assemblyWaitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      Role r;
      try {
        r = Role.parse(role);
      } catch (IllegalArgumentException e) {
        System.err.println("--" + e.getMessage());
        return 2;
      }
      StorageProvider provider;
      try {
        provider = storage.provider();
      } catch (CommandLine.ParameterException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      if (r != Role.ALL && !provider.sharedByProcesses()) {
        System.err.println("--role " + role + ": needs a storage that server processes share (--storage clickhouse);"
            + " " + provider.name() + " is one process's file");
        return 2;
      }
      if ((r == Role.INGEST || r == Role.WRITER) && (kafkaBootstrap == null || kafkaBootstrap.isBlank())) {
        System.err.println("--role " + role + ": needs --kafka-bootstrap host:port");
        return 2;
      }
      Map<String, String> options = storage.options();
      if (clickhouseCluster != null) options.put("cluster", clickhouseCluster);
      if (clickhouseOnCluster) options.put("on-cluster", "true");
      SpindleServer.Builder b = SpindleServer.builder().port(port).bind(bind).dataDir(storage.data).role(r)
          .retentionDays(retentionDays).maxItemBytes(maxItemBytes).maxEnvelopeBytes(maxEnvelopeBytes)
          .sessionIdleTimeout(sessionIdleTimeout).projectRateLimit(projectRateLimit).keyRateLimit(keyRateLimit)
          .projectDailyQuota(projectDailyQuota);
      SpindleServer server;
      try {
        b.otlpGrpcPort(otlpGrpcPort);
        b.assemblyWaitMs(assemblyWaitSeconds * 1000);
        b.storage(provider.open(new StorageConfig(storage.data, options, retentionDays)));
        if (kafkaBootstrap != null && !kafkaBootstrap.isBlank()) b.batchQueue("kafka", kafkaSettings());
        server = b.start();
      } catch (StorageException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
        System.err.println("spindle: cannot start: " + e.getMessage());
        return 1;
      } catch (RuntimeException e) {
        // Javalin wraps bind failures (port in use) in its own exceptions.
        System.err.println("spindle: cannot start on " + bind + ":" + port + ": " + e.getMessage());
        return 1;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "spindle-shutdown"));
      System.out.println("Spindle listening on " + server.url() + " (" + storage.where()
          + (r == Role.ALL ? "" : ", role: " + r.name().toLowerCase(java.util.Locale.ROOT)) + ")"
          + (server.otlpGrpcPort() < 0 ? "" : "; OTLP/gRPC on port " + server.otlpGrpcPort()));
      System.out.flush();
      stopped.await();
      return 0;
    }

    /** The {@code --kafka-*} options given, as the {@code kafka} batch queue's settings. */
    private Map<String, String> kafkaSettings() {
      Map<String, String> s = new LinkedHashMap<>();
      s.put("bootstrap", kafkaBootstrap);
      if (kafkaTopic != null) s.put("topic", kafkaTopic);
      if (kafkaPartitions != null) s.put("partitions", kafkaPartitions.toString());
      if (kafkaGroup != null) s.put("group", kafkaGroup);
      return s;
    }
  }

  @Command(name = "projects", mixinStandardHelpOptions = true, description = "Manage projects (server stopped).",
      subcommands = {Projects.Create.class, Projects.ListCmd.class})
  static final class Projects implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8790", scope = CommandLine.ScopeType.INHERIT,
        description = "Server URL used in printed DSNs (default: ${DEFAULT-VALUE}).")
    String url;

    static String dsn(String url, Project p) {
      return url.replaceFirst("://", "://" + p.publicKey() + "@") + "/" + p.id();
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project and print its DSN.")
    static final class Create implements Runnable {
      @CommandLine.ParentCommand Projects parent;
      @CommandLine.Mixin StorageOptions storage = new StorageOptions();
      @Option(names = "--name", required = true, description = "Project name.") String name;

      @Override
      public void run() {
        try (Storage s = storage.open()) {
          Project p = s.metadata().createProject(name, dev.spindle.server.auth.Tokens.newPublicKey());
          System.out.println(p.id() + "\t" + p.name() + "\t" + dsn(parent.url, p));
        }
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List projects with their DSNs.")
    static final class ListCmd implements Runnable {
      @CommandLine.ParentCommand Projects parent;
      @CommandLine.Mixin StorageOptions storage = new StorageOptions();

      @Override
      public void run() {
        try (Storage s = storage.open()) {
          for (Project p : s.metadata().projects()) {
            System.out.println(p.id() + "\t" + p.name() + "\t" + dsn(parent.url, p));
          }
        }
      }
    }
  }

  @Command(name = "tokens", mixinStandardHelpOptions = true, description = "Manage API tokens (server stopped).",
      subcommands = {Tokens.Create.class, Tokens.Revoke.class, Tokens.ListCmd.class})
  static final class Tokens implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an API token and print it (once).")
    static final class Create implements Callable<Integer> {
      @CommandLine.Mixin StorageOptions storage = new StorageOptions();
      @Option(names = "--name", defaultValue = "cli", description = "A label (default: ${DEFAULT-VALUE}).") String name;
      @Option(names = "--scope", defaultValue = "admin",
          description = "read (query data only) or admin (also manage projects and tokens) (default: ${DEFAULT-VALUE}).")
      String scope;
      @Option(names = "--project", split = ",", paramLabel = "ID",
          description = "The projects it may see, e.g. --project 1,3 (default: every project).")
      List<Long> projects = new ArrayList<>();

      @Override
      public Integer call() {
        ApiToken.Scope sc;
        try {
          sc = ApiToken.Scope.parse(scope);
        } catch (IllegalArgumentException e) {
          System.err.println("--" + e.getMessage());
          return 2;
        }
        String token = dev.spindle.server.auth.Tokens.newApiToken();
        try (Storage s = storage.open()) {
          for (long p : projects) {
            if (s.metadata().project(p).isEmpty()) {
              System.err.println("--project: no project " + p);
              return 2;
            }
          }
          ApiToken t = s.metadata().createToken(name, dev.spindle.server.auth.Tokens.sha256(token), sc, projects);
          System.out.println(t.id() + "\t" + t.name() + "\t" + token);
          return 0;
        }
      }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API token by id.")
    static final class Revoke implements Callable<Integer> {
      @CommandLine.Mixin StorageOptions storage = new StorageOptions();
      @Parameters(index = "0", description = "Token id.") long id;

      @Override
      public Integer call() {
        try (Storage s = storage.open()) {
          if (s.metadata().revokeToken(id)) {
            System.out.println("revoked token " + id);
            return 0;
          }
          System.err.println("no token " + id);
          return 1;
        }
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API tokens (ids and names, never the tokens).")
    static final class ListCmd implements Runnable {
      @CommandLine.Mixin StorageOptions storage = new StorageOptions();

      @Override
      public void run() {
        try (Storage s = storage.open()) {
          for (ApiToken t : s.metadata().tokens()) {
            System.out.println(t.id() + "\t" + t.name() + (t.revoked() ? "\trevoked" : "\tactive") + "\t"
                + t.scope().wireName() + "\t" + (t.allProjects() ? "all projects" : "projects " + t.projectsText()));
          }
        }
      }
    }
  }

  /** {@code 90s}, {@code 30m}, {@code 8h}, {@code 2d}: a number and a unit. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(value.trim());
      if (!m.matches()) throw new CommandLine.TypeConversionException("'" + value + "' (expected: e.g. 90s, 30m, 8h, 2d)");
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
  }
}
