package dev.spindle.server.ingest;

import dev.spindle.storage.Project;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * {@code POST /api/<project>/integration/zipkin/api/v2/spans}: Zipkin v2 spans, JSON or proto3,
 * authenticated by {@code sentry_key} or {@code X-Sentry-Auth}, answered 202 with no body as
 * Zipkin does, so a zipkin-reporter sender needs only this URL.
 */
final class ZipkinHandler extends IngestHandler {
  ZipkinHandler(Ingestion ingestion) {
    super(ingestion);
  }

  @Override
  void ingest(Context ctx, MemoryBudget.Lease lease) throws IOException {
    Project project = ingestion.authenticate(ctx, null);
    boolean json = isJson(ctx, "application/x-protobuf");
    byte[] body = ingestion.body(ctx, lease);
    OtlpMapper.Mapped mapped = ZipkinMapper.map(json ? ZipkinMapper.parseJson(body) : ZipkinMapper.parseProto3(body),
        project.id(), project.scrubPii(), System.currentTimeMillis() * 1000, ingestion.naming.forProject(project.id()));
    ingestion.write(mapped);
    ctx.status(202);
  }
}
