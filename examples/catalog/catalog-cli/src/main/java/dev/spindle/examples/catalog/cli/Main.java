package dev.spindle.examples.catalog.cli;

import dev.spindle.Scope;
import dev.spindle.Span;
import dev.spindle.Spindle;
import dev.spindle.SpindleOptions;
import dev.spindle.Transaction;
import dev.spindle.TransactionContext;
import dev.spindle.TransactionSource;
import dev.spindle.examples.catalog.client.ApiException;
import dev.spindle.examples.catalog.client.model.PackageSummary;
import dev.spindle.examples.catalog.client.model.PackageVersion;
import dev.spindle.examples.catalog.client.model.PackageVersions;
import dev.spindle.examples.catalog.client.model.Resolution;
import dev.spindle.examples.catalog.client.model.ResolveRequest;
import dev.spindle.examples.catalog.client.model.ResolvedPackage;
import dev.spindle.protocol.SpanStatus;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code catalog} command line: {@code search}, {@code versions}, {@code install}. Each
 * command is one {@code cli} transaction; every request it makes (some in parallel) is an
 * {@code http.client} span of it, continued by the catalog server. Traces go to
 * {@code SPINDLE_DSN}; without it nothing is sent and no request carries trace headers.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true, version = "catalog 0.1.0-SNAPSHOT",
    description = "A package catalog client (the Spindle catalog example).",
    subcommands = {Main.Search.class, Main.Versions.class, Main.Install.class})
public final class Main implements Runnable {
  /** The operation of a command's transaction. */
  static final String OPERATION = "cli";
  /** How long the CLI waits, before exiting, for its traces to be delivered. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);
  /** Parallel requests of {@code install}. */
  static final int PARALLELISM = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--server", description = "Catalog server URL (default: $CATALOG_URL or http://127.0.0.1:8080).")
  String server;

  @Option(names = "--print-trace-id", description = "Print trace_id=<id> of the command on stderr.")
  boolean printTraceId;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private CatalogClient client;

  private Main(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Runs the command line with {@code env} as the environment and returns the exit code: 0 done,
   * 1 the catalog failed or reported a problem, 2 bad usage. Flushes and closes Spindle.
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String dsn = env.get("SPINDLE_DSN");
    if (dsn != null && !dsn.isBlank()) Spindle.init(tracingOptions(env, dsn.trim()));
    try {
      CommandLine cl = new CommandLine(new Main(env, out, err));
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      return cl.execute(args);
    } finally {
      if (Spindle.isEnabled()) {
        if (!Spindle.flush(FLUSH_TIMEOUT)) err.println("warning: traces not delivered to Spindle in " + FLUSH_TIMEOUT);
        Spindle.close();
      }
    }
  }

  static SpindleOptions tracingOptions(Map<String, String> env, String dsn) {
    String rate = env.get("SPINDLE_TRACES_SAMPLE_RATE");
    return new SpindleOptions().setDsn(dsn)
        .setTracesSampleRate(rate == null || rate.isBlank() ? 1.0 : Double.parseDouble(rate.trim()))
        .setTag("service.name", "catalog-cli");
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  CatalogClient client() {
    if (client == null) {
      String url = server != null ? server : env.getOrDefault("CATALOG_URL", "http://127.0.0.1:8080");
      client = CatalogClient.create(url);
    }
    return client;
  }

  /** Runs {@code body} as the command's transaction (when tracing is on). */
  int traced(String name, Callable<Integer> body) throws Exception {
    if (!Spindle.isEnabled()) {
      if (printTraceId) err.println("no trace: SPINDLE_DSN is not set");
      return guarded(body);
    }
    Transaction tx = Spindle.startTransaction(
        TransactionContext.builder(name, OPERATION).source(TransactionSource.TASK).build());
    if (printTraceId) err.println("trace_id=" + tx.traceId());
    try (Scope scope = tx.makeCurrent()) {
      int code = guarded(body);
      tx.setStatus(code == 0 ? SpanStatus.OK : SpanStatus.UNKNOWN);
      return code;
    } catch (Exception | Error e) {
      tx.setThrowable(e);
      throw e;
    } finally {
      tx.finish();
    }
  }

  private int guarded(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (ApiException e) {
      err.println("catalog: " + describe(e));
      Span current = Spindle.currentSpan();
      if (!current.isNoop() && current.status() == null) {
        current.setStatus(e.getCode() > 0 ? SpanStatus.fromHttpStatus(e.getCode()) : SpanStatus.UNAVAILABLE);
      }
      return 1;
    }
  }

  private static String describe(ApiException e) {
    if (e.getCode() > 0) {
      String body = e.getResponseBody();
      return "HTTP " + e.getCode() + (body == null || body.isBlank() ? "" : ": " + body.strip());
    }
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return "cannot reach the catalog server: " + c;
  }

  @Command(name = "search", mixinStandardHelpOptions = true, description = "Search packages by name or description.")
  static final class Search implements Callable<Integer> {
    @ParentCommand Main main;
    @Parameters(arity = "0..1", paramLabel = "QUERY") String query;
    @Option(names = "--limit", description = "Most results (1..100).") Integer limit;

    @Override
    public Integer call() throws Exception {
      return main.traced("catalog search", () -> {
        CatalogClient c = main.client();
        List<PackageSummary> found = c.call(() -> c.api().searchPackages(query, limit));
        for (PackageSummary p : found) {
          main.out.println(p.getName() + "\t" + p.getLatestVersion() + "\t" + nullToEmpty(p.getDescription()));
        }
        return 0;
      });
    }
  }

  @Command(name = "versions", mixinStandardHelpOptions = true, description = "Show a package's versions.")
  static final class Versions implements Callable<Integer> {
    @ParentCommand Main main;
    @Parameters(paramLabel = "PACKAGE") String name;

    @Override
    public Integer call() throws Exception {
      return main.traced("catalog versions", () -> {
        CatalogClient c = main.client();
        PackageVersions v = c.call(() -> c.api().listVersions(name));
        for (PackageVersion pv : v.getVersions()) {
          main.out.println(v.getName() + "\t" + pv.getVersion() + "\t" + String.join(",", pv.getDependencies()));
        }
        return 0;
      });
    }
  }

  /**
   * Resolves the packages (one request), then fetches the versions of every resolved package in
   * parallel on a pool wrapped by {@link Spindle#wrap(ExecutorService)}: each task runs with the
   * span current when it was submitted, so each request's {@code http.client} span is a child of
   * the {@code catalog.fetch_versions} span.
   */
  @Command(name = "install", mixinStandardHelpOptions = true, description = "Resolve packages and plan their installation.")
  static final class Install implements Callable<Integer> {
    @ParentCommand Main main;
    @Parameters(arity = "1..*", paramLabel = "PACKAGE") List<String> names;

    @Override
    public Integer call() throws Exception {
      return main.traced("catalog install", () -> {
        CatalogClient c = main.client();
        Resolution resolution = c.call(() -> c.api().resolve(new ResolveRequest().packages(names)));
        List<ResolvedPackage> resolved = resolution.getResolved();
        List<PackageVersions> versions = new ArrayList<>();
        Span fetch = Spindle.currentSpan().startChild("catalog.fetch_versions", resolved.size() + " packages");
        ExecutorService pool = Spindle.wrap(Executors.newFixedThreadPool(PARALLELISM));
        try (Scope scope = fetch.makeCurrent()) {
          List<Future<PackageVersions>> futures = new ArrayList<>();
          for (ResolvedPackage p : resolved) {
            futures.add(pool.submit(() -> c.call(() -> c.api().listVersions(p.getName()))));
          }
          for (Future<PackageVersions> f : futures) versions.add(f.get());
        } catch (ExecutionException e) {
          fetch.setThrowable(e.getCause());
          if (e.getCause() instanceof ApiException) throw (ApiException) e.getCause();
          throw e;
        } finally {
          pool.shutdown();
          fetch.finish();
        }
        for (int i = 0; i < resolved.size(); i++) {
          ResolvedPackage p = resolved.get(i);
          int available = versions.get(i).getVersions().size();
          main.out.println("install " + p.getName() + " " + p.getVersion()
              + (p.getRequiredBy() == null ? "" : " (required by " + p.getRequiredBy() + ")")
              + " [" + available + (available == 1 ? " version" : " versions") + " available]");
        }
        if (!resolution.getMissing().isEmpty()) {
          main.err.println("catalog: unknown packages: " + String.join(", ", resolution.getMissing()));
          return 1;
        }
        return 0;
      });
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
