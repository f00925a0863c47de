package dev.spindle.server.ingest;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;

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
}
