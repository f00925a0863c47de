package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.Project;
import dev.spindle.storage.WriteBatch;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * {@code POST /api/<project>/envelope/}: a Sentry envelope's transaction, event, span and
 * client_report items become rows (other items are skipped); answers {@code {"id": ..}}.
 */
final class EnvelopeHandler extends IngestHandler {
  /** Items per envelope at most. */
  static final int MAX_ITEMS = 10_000;

  EnvelopeHandler(Ingestion ingestion) {
    super(ingestion);
  }

  @Override
  void ingest(Context ctx, MemoryBudget.Lease lease) throws IOException {
    byte[] body = ingestion.body(ctx, lease);
    Envelope env = Envelope.parse(body, ingestion.settings.maxItemBytes(), MAX_ITEMS);
    Project project = ingestion.authenticate(ctx, Json.str(env.headers, "dsn"));
    String envelopeEventId = Json.str(env.headers, "event_id");
    JsonNode dsc = env.headers.path("trace");
    double rate = dsc.path("sample_rate").asDouble(1.0);
    SentryMapper m = new SentryMapper(project.id(), project.scrubPii(), System.currentTimeMillis() * 1000);
    String id = null;
    for (Envelope.Item item : env.items) {
      String itemId = null;
      switch (item.type) {
        case "transaction" -> itemId = m.transaction(item.json(), envelopeEventId, rate);
        case "event" -> itemId = m.event(item.json(), envelopeEventId);
        case "span" -> m.span(item.json(), rate, Json.str(dsc, "release"), Json.str(dsc, "environment"));
        case "client_report" -> m.clientReport(item.json());
        default -> { } // unknown items are skipped
      }
      if (id == null) id = itemId;
    }
    m.finish();
    ingestion.write(new WriteBatch(m.spans, m.errors, m.reports));
    if (id == null) id = SentryMapper.eventId(envelopeEventId);
    ObjectNode res = Json.object();
    if (id == null) res.putNull("id");
    else res.put("id", id);
    Responses.json(ctx, 200, res);
  }
}
