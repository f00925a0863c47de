package dev.spindle.serverbench;

import dev.spindle.server.SpindleServer;
import dev.spindle.storage.ErrorRow;
import dev.spindle.storage.SpanRow;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.duckdb.DuckDbStorage;
import dev.spindle.storage.write.OverloadedException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Fills a Spindle data folder with generated traces through the storage SPI's batch writer (the
 * same {@code SpanWriter.write} the server's group commit calls), in time order as live ingestion
 * would: {@code --spans} spans in traces of 21 over the last {@code --hours} hours, 30 % of the
 * traces with a second (downstream) transaction, 2 % failed with an error event.
 *
 * <p>The folder is first bootstrapped by starting and stopping a real server on it (project 1,
 * admin token in {@code bootstrap.json}). A sample of the written trace ids goes to
 * {@code bench-trace-ids.txt} in the folder, for {@link QueryBench}.
 */
final class BulkLoad {
  private BulkLoad() {}

  static final String IDS_FILE = "bench-trace-ids.txt";

  /** Writes a batch, waiting as told while the loader is behind (nothing was written then). */
  private static void write(DuckDbStorage storage, WriteBatch batch) throws InterruptedException {
    while (true) {
      try {
        storage.writer().write(batch);
        return;
      } catch (OverloadedException e) {
        Thread.sleep(e.retryAfterSeconds() * 1000L);
      }
    }
  }

  static void run(Args a, PrintStream out) throws Exception {
    Path dir = Path.of(a.str("data", null));
    long spans = a.num("spans", 10_000_000);
    long seed = a.num("seed", 42);
    long hours = a.num("hours", 24);
    int batchTraces = (int) a.num("batch-traces", 5_000);
    int sampleIds = (int) a.num("sample-ids", 20_000);
    if (spans < TraceShape.SPANS) throw new IllegalArgumentException("--spans: " + spans + " (expected: >= 21)");
    Path db = dir.resolve(dev.spindle.storage.duckdb.DuckDbStorageProvider.FILE);
    if (Files.exists(db)) throw new IllegalArgumentException("--data: " + dir + " already holds a database");

    // Bootstrap: project 1 and an admin token, exactly as a first `spindle serve` does.
    SpindleServer.builder().dataDir(dir).port(0).out(out).start().close();

    long traces = spans / TraceShape.SPANS;
    long endUs = System.currentTimeMillis() * 1000 - 10 * 60_000_000L;
    long windowUs = hours * 3_600_000_000L;
    long startUs = endUs - windowUs;
    double stepUs = (double) windowUs / traces;
    long sampleEvery = Math.max(1, traces / sampleIds);
    SplittableRandom rnd = new SplittableRandom(seed);
    long t0 = System.nanoTime();
    long written = 0, errors = 0;
    try (DuckDbStorage storage = DuckDbStorage.open(db);
         BufferedWriter ids = Files.newBufferedWriter(dir.resolve(IDS_FILE), StandardCharsets.UTF_8)) {
      List<SpanRow> rows = new ArrayList<>(batchTraces * TraceShape.SPANS);
      List<ErrorRow> errs = new ArrayList<>();
      long nextReport = 1_000_000;
      for (long k = 0; k < traces; k++) {
        long start = startUs + (long) (k * stepUs) + (long) (rnd.nextDouble() * stepUs);
        TraceShape t = new TraceShape(rnd, start, 0.3, 0.02);
        Rows.spans(t, rows);
        ErrorRow e = Rows.error(t, rnd);
        if (e != null) errs.add(e);
        if (k % sampleEvery == 0) ids.write(t.traceId + "\n");
        if (rows.size() >= batchTraces * TraceShape.SPANS || k == traces - 1) {
          write(storage, new WriteBatch(rows, errs, List.of()));
          written += rows.size();
          errors += errs.size();
          rows.clear();
          errs.clear();
          if (written >= nextReport) {
            out.printf(Locale.ROOT, "  %,d spans written, %.0f s, load %s%n", written,
                (System.nanoTime() - t0) / 1e9, Stats.loadAverage());
            nextReport += 1_000_000;
          }
        }
      }
    }
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    long dbBytes = Files.size(db);
    Path wal = dir.resolve(dev.spindle.storage.duckdb.DuckDbStorageProvider.FILE + ".wal");
    long walBytes = Files.exists(wal) ? Files.size(wal) : 0;
    out.printf(Locale.ROOT, "loaded %,d spans (%,d traces, %,d error events) in %.0f s (%,.0f spans/s)%n",
        written, traces, errors, loadSeconds, written / loadSeconds);
    out.printf(Locale.ROOT, "database file %,d bytes, WAL %,d bytes: %.1f bytes/span%n",
        dbBytes, walBytes, (double) (dbBytes + walBytes) / written);
    counts(db, out);
  }

  /** Row counts and per-table compressed sizes (DuckDB's storage_info), read back with JDBC. */
  static void counts(Path db, PrintStream out) throws SQLException, ClassNotFoundException {
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath());
         Statement s = c.createStatement()) {
      for (String table : List.of("spans", "trace_index", "errors")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          out.printf(Locale.ROOT, "  %s: %,d rows", table, rs.getLong(1));
        }
        try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT block_id) FROM pragma_storage_info('"
            + table + "') WHERE persistent")) {
          rs.next();
          out.printf(Locale.ROOT, ", %,d blocks of 256 KiB%n", rs.getLong(1));
        }
      }
      // Bytes per column, estimated from where each segment starts in its 256 KiB block (up to
      // the next segment of that block, or the block's end), plus any overflow blocks.
      StringBuilder union = new StringBuilder();
      for (String table : List.of("spans", "trace_index", "errors", "client_reports", "projects", "api_tokens")) {
        if (union.length() > 0) union.append(" UNION ALL ");
        union.append("SELECT '").append(table).append("' AS t, column_name, block_id, block_offset,"
            + " coalesce(len(additional_block_ids), 0) AS extra FROM pragma_storage_info('")
            .append(table).append("') WHERE persistent AND block_id >= 0");
      }
      try (ResultSet rs = s.executeQuery("SELECT t, column_name, sum(size) AS bytes FROM ("
          + "SELECT t, column_name, extra * 262144 + coalesce(lead(block_offset) OVER"
          + " (PARTITION BY block_id ORDER BY block_offset), 262144) - block_offset AS size FROM ("
          + union + ")) GROUP BY t, column_name ORDER BY bytes DESC")) {
        out.println("  estimated bytes by table and column (bytes per span = bytes / spans):");
        while (rs.next()) {
          out.printf(Locale.ROOT, "    %-12s %-20s %,14d%n", rs.getString(1), rs.getString(2), rs.getLong(3));
        }
      }
    }
  }

  static List<String> readIds(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve(IDS_FILE), StandardCharsets.UTF_8);
  }
}
