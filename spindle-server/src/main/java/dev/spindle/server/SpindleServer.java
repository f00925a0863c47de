package dev.spindle.server;

import static java.util.Objects.requireNonNull;

import dev.spindle.server.api.ApiRoutes;
import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.HttpApp;
import dev.spindle.server.ingest.IngestRoutes;
import dev.spindle.server.ingest.OtlpGrpcServer;
import dev.spindle.server.json.Json;
import dev.spindle.server.ui.WebUi;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.Project;
import dev.spindle.storage.SegmentStore;
import dev.spindle.storage.SpanWriter;
import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageProvider;
import dev.spindle.storage.write.BatchQueue;
import dev.spindle.storage.write.BatchQueueProvider;
import dev.spindle.storage.write.GroupCommitWriter;
import dev.spindle.storage.write.SpanAssembler;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Spindle server: Sentry envelope and OTLP ingestion, the query and admin API, on one port.
 * Start it with {@link #builder()}; {@link #close()} stops it and closes the storage.
 */
public final class SpindleServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SpindleServer.class.getName());

  /** The storage backend when none is given: the embedded DuckDB file in the data folder. */
  public static final String DEFAULT_STORAGE = "duckdb";
  /** The bootstrap file name inside the data folder. */
  public static final String BOOTSTRAP_FILE = "bootstrap.json";

  /** Group-commit threads: two keep the storage busy while one commit waits for the disk. */
  static final int COMMITTERS = 2;

  private final Config config;
  private final Storage storage;
  private final GroupCommitWriter groupCommit;
  private final BatchQueue batchQueue;
  private final Javalin app;
  private OtlpGrpcServer otlpGrpc;
  private final ScheduledExecutorService retention;
  private final String publicUrl;
  private final Bootstrap bootstrap;

  /** What the first start created: the default project's DSN and the admin token (else nulls). */
  public record Bootstrap(String dsn, String apiToken) {}

  private SpindleServer(Config config) {
    this.config = config;
    this.storage = config.storage != null ? config.storage
        : StorageProvider.named(DEFAULT_STORAGE).open(new StorageConfig(config.dataDir, Map.of(), config.retentionDays));
    BatchQueue queue = null;
    GroupCommitWriter group = null;
    try {
      if (config.role == Role.INGEST || config.role == Role.WRITER) {
        queue = BatchQueueProvider.named(config.queueName).open(config.queueSettings);
      }
      if (config.role.ingests()) {
        group = GroupCommitWriter.builder(config.role == Role.INGEST ? queue.writer() : assembled(storage))
            .maxPendingRows(config.maxPendingRows).maxRowsPerCommit(config.maxRowsPerCommit)
            .committers(COMMITTERS).commitTimeoutMs(config.commitTimeoutMs).build();
      }
      if (config.role == Role.WRITER) queue.consumeInto(assembled(storage));
      this.groupCommit = group;
      this.batchQueue = queue;
      this.app = routes(config, storage, group);
      app.start(config.bind, config.port);
      this.publicUrl = "http://" + hostForUrls(config.bind) + ":" + app.port();
      // Ingest and writer nodes never create the first project: a query node (or `all`) does.
      this.bootstrap = config.role.queries() ? bootstrapIfEmpty() : new Bootstrap(null, null);
      this.retention = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spindle-retention");
        t.setDaemon(true);
        return t;
      });
      if (config.role == Role.ALL || config.role == Role.WRITER) {
        retention.scheduleWithFixedDelay(this::applyRetention, 1, 3600, TimeUnit.SECONDS);
      }
    } catch (RuntimeException e) {
      if (otlpGrpc != null) otlpGrpc.close();
      if (group != null) group.close();
      if (queue != null) queue.close();
      storage.close();
      throw e;
    }
  }

  /**
   * The storage's writer behind span assembly, rebuilt from the storage: on the process every
   * row of a trace passes ({@code all}, or the {@code writer} that Kafka's trace-id key gives the
   * trace to). A storage without span assembly is written as it is.
   */
  private SpanWriter assembled(Storage storage) {
    SegmentStore segments;
    try {
      segments = storage.segments();
    } catch (UnsupportedOperationException e) {
      LOG.warning(e.getMessage() + ": spans that arrive apart from their transaction keep none");
      return storage.writer();
    }
    SpanAssembler a = SpanAssembler.builder(storage.writer(), segments)
        .waitMs(config.assemblyWaitMs).maxSpans(config.assemblyMaxSpans).build();
    int n = a.rebuild();
    if (n > 0) LOG.info("span assembly: " + n + " stored spans of traces still waiting for their segment");
    return a;
  }

  private Javalin routes(Config config, Storage storage, GroupCommitWriter writer) {
    Javalin app = HttpApp.create(config.maxEnvelopeBytes);
    AuthCache auth = new AuthCache(storage.metadata());
    if (config.role.ingests()) {
      IngestRoutes ingest = IngestRoutes.register(app, new IngestRoutes.Settings(writer, auth, storage.metadata(), config.maxEnvelopeBytes,
          config.maxItemBytes, config.maxInFlightBytes, config.projectRateLimit, config.keyRateLimit,
          config.projectDailyQuota));
      if (config.otlpGrpcPort >= 0) otlpGrpc = ingest.startOtlpGrpc(config.bind, config.otlpGrpcPort);
    }
    if (config.role.queries()) {
      ApiRoutes.register(app, storage, auth, this::dsn,
          new ApiRoutes.Settings(config.sessionIdleTimeout, config.loginAttemptsPerMinute));
      new WebUi().register(app);
    }
    return app;
  }

  private static String hostForUrls(String bind) {
    if (bind.equals("0.0.0.0") || bind.equals("::") || bind.isEmpty()) return "127.0.0.1";
    return bind.contains(":") ? "[" + bind + "]" : bind;
  }

  String dsn(Project p) {
    return publicUrl.replace("http://", "http://" + p.publicKey() + "@") + "/" + p.id();
  }

  private Bootstrap bootstrapIfEmpty() {
    if (!storage.metadata().projects().isEmpty()) return new Bootstrap(null, null);
    Project p = storage.metadata().createProject("default", Tokens.newPublicKey());
    String token = Tokens.newApiToken();
    ApiToken t = storage.metadata().createToken("admin", Tokens.sha256(token));
    String dsn = dsn(p);
    if (config.dataDir != null) writeBootstrap(config.dataDir.resolve(BOOTSTRAP_FILE), dsn, token);
    PrintStream out = config.out;
    out.println("Created project " + p.id() + " '" + p.name() + "' and API token " + t.id() + ".");
    out.println("  DSN:       " + dsn);
    out.println("  API token: " + token);
    if (config.dataDir != null) out.println("  (also in " + config.dataDir.resolve(BOOTSTRAP_FILE) + ", readable by you only)");
    return new Bootstrap(dsn, token);
  }

  static void writeBootstrap(Path file, String dsn, String token) {
    try {
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      String json = Json.text(Json.object().put("dsn", dsn).put("apiToken", token)) + "\n";
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
        w.write(json);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private void applyRetention() {
    try {
      long cutoff = System.currentTimeMillis() * 1000 - config.retentionDays * 86_400_000_000L;
      long n = storage.deleteOlderThan(cutoff);
      if (n > 0) LOG.info("retention: deleted " + n + " rows older than " + config.retentionDays + " days");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "retention failed", e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** The OTLP/gRPC port, or -1 when it is off (see {@link Builder#otlpGrpcPort}). */
  public int otlpGrpcPort() {
    return otlpGrpc == null ? -1 : otlpGrpc.port();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8790}. */
  public String url() {
    return publicUrl;
  }

  /** What the first start created; both fields null when the data folder was not empty. */
  public Bootstrap bootstrap() {
    return bootstrap;
  }

  /** The storage (for embedding and tests). */
  public Storage storage() {
    return storage;
  }

  /** Stops HTTP, writes what was queued, closes the storage. */
  @Override
  public void close() {
    retention.shutdownNow();
    if (otlpGrpc != null) otlpGrpc.close();
    app.stop();
    if (groupCommit != null) groupCommit.close();
    if (batchQueue != null) batchQueue.close();
    storage.close();
  }

  public static Builder builder() {
    return new Builder();
  }

  static final class Config {
    int port;
    int otlpGrpcPort;
    String bind;
    Path dataDir;
    Storage storage;
    long maxItemBytes;
    long maxEnvelopeBytes;
    long maxPendingRows;
    long maxInFlightBytes;
    int maxRowsPerCommit;
    int retentionDays;
    long commitTimeoutMs;
    Duration sessionIdleTimeout;
    int loginAttemptsPerMinute;
    int projectRateLimit;
    int keyRateLimit;
    long projectDailyQuota;
    PrintStream out;
    Role role;
    String queueName;
    Map<String, String> queueSettings;
    long assemblyWaitMs;
    int assemblyMaxSpans;
  }

  /** Configures a server. Every setting has a documented default. */
  public static final class Builder {
    private final Config c = new Config();

    private Builder() {
      c.port = 8790;
      c.otlpGrpcPort = -1;
      c.bind = "127.0.0.1";
      c.maxItemBytes = 1024 * 1024;
      c.maxEnvelopeBytes = 20L * 1024 * 1024;
      c.maxPendingRows = 200_000;
      c.maxInFlightBytes = 256L * 1024 * 1024;
      c.maxRowsPerCommit = 50_000;
      c.retentionDays = 30;
      c.commitTimeoutMs = 30_000;
      c.sessionIdleTimeout = Duration.ofMinutes(30);
      c.loginAttemptsPerMinute = 10;
      c.out = System.out;
      c.role = Role.ALL;
      c.assemblyWaitMs = 30_000;
      c.assemblyMaxSpans = 200_000;
    }

    /**
     * What this process does; default {@link Role#ALL}. The other roles need a storage the nodes
     * share ({@link #storage}, e.g. ClickHouse); ingest and writer nodes need a {@link #batchQueue}.
     */
    public Builder role(Role role) {
      c.role = requireNonNull(role, "role");
      return this;
    }

    /**
     * The queue between ingest and writer nodes, required by {@link Role#INGEST} and
     * {@link Role#WRITER}: the {@link BatchQueueProvider} named {@code name} on the class path
     * (e.g. {@code kafka}, from {@code spindle-collector-kafka}) opened with {@code settings}
     * (the provider documents them; Kafka's: {@code bootstrap}, {@code topic}, {@code partitions},
     * {@code group}...).
     */
    public Builder batchQueue(String name, Map<String, String> settings) {
      c.queueName = requireNonNull(name, "name");
      c.queueSettings = Map.copyOf(settings);
      return this;
    }

    /** The port; default 8790; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      c.port = port;
      return this;
    }

    /**
     * The port of OTLP/gRPC ingestion (the OTLP default is 4317; 0 picks a free one), on the same
     * address as HTTP, in roles that ingest; default -1: off.
     */
    public Builder otlpGrpcPort(int port) {
      if (port < -1 || port > 65535) throw new IllegalArgumentException("otlpGrpcPort: " + port + " (expected: -1..65535)");
      c.otlpGrpcPort = port;
      return this;
    }

    /** The address to bind; default {@code 127.0.0.1} (loopback only). */
    public Builder bind(String bind) {
      c.bind = requireNonNull(bind, "bind");
      return this;
    }

    /** The data folder (database and bootstrap.json); required unless {@link #storage} is set. */
    public Builder dataDir(Path dataDir) {
      c.dataDir = requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** A storage to use instead of DuckDB under the data folder; the server closes it. */
    public Builder storage(Storage storage) {
      c.storage = requireNonNull(storage, "storage");
      return this;
    }

    /** The largest item after decompression; default 1 MiB. Bigger items get 413. */
    public Builder maxItemBytes(long n) {
      if (n <= 0) throw new IllegalArgumentException("maxItemBytes: " + n + " (expected: > 0)");
      c.maxItemBytes = n;
      return this;
    }

    /** The largest request body, compressed or not; default 20 MiB. Bigger bodies get 413. */
    public Builder maxEnvelopeBytes(long n) {
      if (n <= 0) throw new IllegalArgumentException("maxEnvelopeBytes: " + n + " (expected: > 0)");
      c.maxEnvelopeBytes = n;
      return this;
    }

    /** Rows that may wait for the writer before requests get 503; default 200 000. */
    public Builder maxPendingRows(long n) {
      if (n <= 0) throw new IllegalArgumentException("maxPendingRows: " + n + " (expected: > 0)");
      c.maxPendingRows = n;
      return this;
    }

    /**
     * Decompressed request bytes that ingestion requests may hold at once (until their rows are
     * committed); default 256 MiB. Beyond it requests get 503 with {@code Retry-After}.
     */
    public Builder maxInFlightBytes(long n) {
      if (n < 1024) throw new IllegalArgumentException("maxInFlightBytes: " + n + " (expected: >= 1024)");
      c.maxInFlightBytes = n;
      return this;
    }

    /** Rows per group commit at most; default 50 000. */
    public Builder maxRowsPerCommit(int n) {
      if (n <= 0) throw new IllegalArgumentException("maxRowsPerCommit: " + n + " (expected: > 0)");
      c.maxRowsPerCommit = n;
      return this;
    }

    /**
     * How long span assembly waits for a segment's root after the last span of its trace came
     * (spans are stored at once; those whose root comes later are joined to it then); default 30 s.
     */
    public Builder assemblyWaitMs(long ms) {
      if (ms <= 0) throw new IllegalArgumentException("assemblyWaitMs: " + ms + " (expected: > 0)");
      c.assemblyWaitMs = ms;
      return this;
    }

    /** The most spans span assembly remembers while they wait; default 200 000 (about 40 MB). */
    public Builder assemblyMaxSpans(int n) {
      if (n <= 0) throw new IllegalArgumentException("assemblyMaxSpans: " + n + " (expected: > 0)");
      c.assemblyMaxSpans = n;
      return this;
    }

    /** Days to keep data; default 30. */
    public Builder retentionDays(int days) {
      if (days <= 0) throw new IllegalArgumentException("retentionDays: " + days + " (expected: > 0)");
      c.retentionDays = days;
      return this;
    }

    /**
     * How long a web UI session may stay unused before it ends; default 30 minutes. Sessions
     * also end 12 hours after sign-in, on sign-out and when their token is revoked.
     */
    public Builder sessionIdleTimeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("sessionIdleTimeout: " + timeout + " (expected: >= 1 s)");
      }
      c.sessionIdleTimeout = timeout;
      return this;
    }

    /** Web UI sign-in attempts allowed per client address and minute; default 10. More get 429. */
    public Builder loginAttemptsPerMinute(int n) {
      if (n <= 0) throw new IllegalArgumentException("loginAttemptsPerMinute: " + n + " (expected: > 0)");
      c.loginAttemptsPerMinute = n;
      return this;
    }

    /**
     * Ingestion requests a minute per project; default 0, no limit. Beyond it requests get 429
     * with {@code Retry-After} and {@code X-Sentry-Rate-Limits}, counted as outcomes.
     */
    public Builder projectRateLimit(int perMinute) {
      if (perMinute < 0) throw new IllegalArgumentException("projectRateLimit: " + perMinute + " (expected: >= 0, 0: none)");
      c.projectRateLimit = perMinute;
      return this;
    }

    /** Ingestion requests a minute per DSN key; default 0, no limit; answered like {@link #projectRateLimit}. */
    public Builder keyRateLimit(int perMinute) {
      if (perMinute < 0) throw new IllegalArgumentException("keyRateLimit: " + perMinute + " (expected: >= 0, 0: none)");
      c.keyRateLimit = perMinute;
      return this;
    }

    /**
     * Spans (transactions and their spans) a project may store per UTC day; default 0, no quota.
     * Once reached, its requests get 429 until midnight UTC, like {@link #projectRateLimit}.
     */
    public Builder projectDailyQuota(long spans) {
      if (spans < 0) throw new IllegalArgumentException("projectDailyQuota: " + spans + " (expected: >= 0, 0: none)");
      c.projectDailyQuota = spans;
      return this;
    }

    /** Where the bootstrap message goes; default {@code System.out}. */
    public Builder out(PrintStream out) {
      c.out = requireNonNull(out, "out");
      return this;
    }

    /** Starts the server (opening the storage, creating the default project on first start). */
    public SpindleServer start() {
      if (c.storage == null && c.dataDir == null) throw new IllegalStateException("dataDir or storage is required");
      if ((c.role == Role.INGEST || c.role == Role.WRITER) && c.queueName == null) {
        throw new IllegalStateException("role " + c.role + " needs batchQueue(...)");
      }
      if (c.otlpGrpcPort >= 0 && !c.role.ingests()) {
        throw new IllegalStateException("role " + c.role + " does not ingest: no OTLP/gRPC port");
      }
      if (c.dataDir != null) {
        try {
          Files.createDirectories(c.dataDir);
        } catch (IOException e) {
          throw new IllegalStateException("cannot create the data folder " + c.dataDir + ": " + e.getMessage(), e);
        }
      }
      return new SpindleServer(c);
    }
  }

}
