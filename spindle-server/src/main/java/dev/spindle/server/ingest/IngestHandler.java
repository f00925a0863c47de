package dev.spindle.server.ingest;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.util.Locale;

/**
 * An ingestion endpoint: checks the path's project id, then ingests the request while holding a
 * lease on the in-flight memory budget, released when the request is answered.
 */
abstract class IngestHandler implements Handler {
  final Ingestion ingestion;

  IngestHandler(Ingestion ingestion) {
    this.ingestion = ingestion;
  }

  @Override
  public final void handle(Context ctx) throws IOException {
    SentryAuth.parseProjectId(ctx.pathParam("project_id"));
    try (MemoryBudget.Lease lease = ingestion.budget.lease()) {
      ingest(ctx, lease);
    }
  }

  /** Reads, authenticates, maps and writes the request; answers it once the rows are durable. */
  abstract void ingest(Context ctx, MemoryBudget.Lease lease) throws IOException;

  /**
   * True for a JSON body ({@code application/json}), false for one of {@code binaryTypes}; any
   * other Content-Type is refused (415).
   */
  static boolean isJson(Context ctx, String... binaryTypes) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) return true;
    for (String binary : binaryTypes) {
      if (type.startsWith(binary)) return false;
    }
    throw IngestException.unsupported("unsupported Content-Type '" + ctx.contentType()
        + "' (expected: application/json or " + String.join(" or ", binaryTypes) + ")");
  }
}
