package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.Project;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;

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
    ExportTraceServiceResponse res = export(ingestion, project,
        json ? OtlpMapper.parseJson(body) : OtlpMapper.parseProtobuf(body));
    if (json) {
      ObjectNode out = Json.object();
      if (res.hasPartialSuccess()) {
        out.putObject("partialSuccess").put("rejectedSpans", res.getPartialSuccess().getRejectedSpans())
            .put("errorMessage", res.getPartialSuccess().getErrorMessage());
      }
      Responses.json(ctx, 200, out);
    } else {
      ctx.status(200).contentType("application/x-protobuf").result(res.toByteArray());
    }
  }

  /**
   * Maps and writes an export (OTLP/HTTP and OTLP/gRPC); returns once the rows are durable, with a
   * partial success naming the spans that were dropped (all dropped: refused, see {@link Ingestion#write}).
   */
  static ExportTraceServiceResponse export(Ingestion ingestion, Project project, ExportTraceServiceRequest req) {
    OtlpMapper.Mapped mapped = OtlpMapper.map(req, project.id(), project.scrubPii(), System.currentTimeMillis() * 1000,
        ingestion.naming.forProject(project.id()));
    ingestion.write(mapped);
    ExportTraceServiceResponse.Builder res = ExportTraceServiceResponse.newBuilder();
    if (!mapped.drops().isEmpty()) {
      res.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(Rejections.count(mapped.drops()))
          .setErrorMessage(Rejections.describe(mapped.drops())));
    }
    return res.build();
  }
}
