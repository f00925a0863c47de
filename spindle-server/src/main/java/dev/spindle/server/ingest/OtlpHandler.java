package dev.spindle.server.ingest;

import dev.spindle.storage.Project;
import dev.spindle.storage.WriteBatch;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.util.List;

/**
 * {@code POST /api/<project>/integration/otlp/v1/traces}: an OTLP/HTTP export, protobuf or JSON
 * (answered in the same encoding), authenticated by {@code sentry_key} or {@code X-Sentry-Auth}.
 */
final class OtlpHandler extends IngestHandler {
  OtlpHandler(Ingestion ingestion) {
    super(ingestion);
  }

  @Override
  void ingest(Context ctx, MemoryBudget.Lease lease) throws IOException {
    Project project = ingestion.authenticate(ctx, null);
    boolean json = isJson(ctx, "application/x-protobuf", "application/protobuf");
    byte[] body = ingestion.body(ctx, lease);
    ExportTraceServiceRequest req = json ? OtlpMapper.parseJson(body) : OtlpMapper.parseProtobuf(body);
    OtlpMapper.Mapped mapped = OtlpMapper.map(req, project.id(), project.scrubPii(), System.currentTimeMillis() * 1000);
    ingestion.write(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
    ctx.status(200);
    if (json) {
      ctx.contentType("application/json").result("{}");
    } else {
      ctx.contentType("application/x-protobuf").result(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    }
  }
}
