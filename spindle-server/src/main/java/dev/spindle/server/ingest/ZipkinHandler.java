package dev.spindle.server.ingest;

import dev.spindle.storage.Project;
import dev.spindle.storage.WriteBatch;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/<project>/integration/zipkin/api/v2/spans}: Zipkin v2 spans, JSON or proto3,
 * authenticated by {@code sentry_key} or {@code X-Sentry-Auth}, answered 202 with no body as
 * Zipkin does, so a zipkin-reporter sender needs only this URL.
 */
final class ZipkinHandler implements Handler {
  private final Ingestion ingestion;

  ZipkinHandler(Ingestion ingestion) {
    this.ingestion = ingestion;
  }

  @Override
  public void handle(Context ctx) throws IOException {
    try (MemoryBudget.Lease lease = ingestion.budget.lease()) {
      handle(ctx, lease);
    }
  }

  private void handle(Context ctx, MemoryBudget.Lease lease) throws IOException {
    SentryAuth.parseProjectId(ctx.pathParam("project_id"));
    Project project = ingestion.authenticate(ctx, null);
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    boolean json = type.startsWith("application/json");
    if (!json && !type.startsWith("application/x-protobuf")) {
      throw IngestException.unsupported("unsupported Content-Type '" + ctx.contentType()
          + "' (expected: application/json or application/x-protobuf)");
    }
    byte[] body = ingestion.body(ctx, lease);
    OtlpMapper.Mapped mapped = ZipkinMapper.map(json ? ZipkinMapper.parseJson(body) : ZipkinMapper.parseProto3(body),
        project.id(), project.scrubPii(), System.currentTimeMillis() * 1000);
    ingestion.write(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
    ctx.status(202);
  }
}
