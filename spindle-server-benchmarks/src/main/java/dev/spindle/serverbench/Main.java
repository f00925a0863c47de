package dev.spindle.serverbench;

import java.util.Locale;

/**
 * Entry point: {@code ingest}, {@code load}, {@code query}, {@code sizes} or {@code soak}; see BENCHMARKS.md (Server, Soak).
 *
 * <pre>
 * ingest --target spindle|zipkin --url http://127.0.0.1:PORT[,...] [--key PUBLIC_KEY] [--token TOKEN]
 *        [--encoding gzip|identity] [--connections 16] [--warmup 10] [--duration 20]
 *        [--max-requests 2000000] [--server-pid PID[,PID...]] [--also-pids name=PID[,PID];...]
 *        [--verify-url http://127.0.0.1:PORT]
 * load   --data DIR [--spans 10000000] [--hours 24] [--seed 42]
 * query  --url http://127.0.0.1:PORT --data DIR [--samples 1000] [--summary-runs 10]
 * sizes  --data DIR   (row counts and estimated bytes per column; server stopped)
 * soak   [--minutes 30] [--sample-seconds 60] [--rate 50] [--demo-rate 5] [--data DIR]
 *        [--max-growth 0.1]   (exit 1 when a series grows; see {@link Soak})
 * stages [--warmup 3000] [--requests 5000] [--group 16] [--data DIR]   (CPU per span of each step, no HTTP)
 * </pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: Main ingest|load|query|sizes|soak|stages [--option value]...");
      System.exit(2);
    }
    Args a = new Args(args, 1);
    switch (args[0].toLowerCase(Locale.ROOT)) {
      case "ingest" -> {
        IngestBench.Result r = IngestBench.run(a);
        if (a.num("header", 0) == 1) System.out.println(IngestBench.header());
        System.out.println(IngestBench.row(r));
        if (!r.alsoCpu().isEmpty()) System.out.println(IngestBench.alsoRows(r));
      }
      case "load" -> BulkLoad.run(a, System.out);
      case "query" -> QueryBench.run(a, System.out);
      case "stages" -> IngestStages.run(a, System.out);
      case "soak" -> System.exit(Soak.run(a, System.out));
      case "sizes" -> BulkLoad.counts(java.nio.file.Path.of(a.str("data", null))
          .resolve(dev.spindle.storage.duckdb.DuckDbStorageProvider.FILE), System.out);
      default -> {
        System.err.println("unknown command: " + args[0] + " (expected: ingest, load, query, sizes, soak or stages)");
        System.exit(2);
      }
    }
  }
}
