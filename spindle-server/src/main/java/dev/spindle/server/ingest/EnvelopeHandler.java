package dev.spindle.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.internal.EnvelopeReader;
import dev.spindle.protocol.internal.EnvelopeTooLargeException;
import dev.spindle.protocol.internal.Ids;
import dev.spindle.protocol.internal.MalformedEnvelopeException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.Project;
import dev.spindle.storage.WriteBatch;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /api/<project>/envelope/}: a Sentry envelope's transaction, event, span and
 * client_report items become rows (other items are skipped); answers {@code {"id": ..}}. Sentry's
 * limits hold, each answered 413 (Sentry's status for too large): the body ({@code maxBodyBytes},
 * compressed or not), each item ({@code maxItemBytes}), at most {@value #MAX_ITEMS} items, one
 * transaction, one event and {@value #MAX_STANDALONE_SPANS} standalone spans (span items, or the
 * spans of a span container) per envelope.
 */
final class EnvelopeHandler extends IngestHandler {
  /** Items per envelope at most. */
  static final int MAX_ITEMS = 10_000;
  /** Standalone spans per envelope at most, as Sentry documents it. */
  static final int MAX_STANDALONE_SPANS = 25;

  private final EnvelopeReader reader;

  EnvelopeHandler(Ingestion ingestion) {
    super(ingestion);
    this.reader = new EnvelopeReader(MAX_ITEMS, ingestion.settings.maxItemBytes());
  }

  @Override
  void ingest(Context ctx, MemoryBudget.Lease lease) throws IOException {
    Framed env = frame(reader, ingestion.body(ctx, lease));
    Project project = ingestion.authenticate(ctx, env.dsn());
    Mapped m = map(env, project.id(), project.scrubPii(), System.currentTimeMillis() * 1000,
        ingestion.naming.forProject(project.id()));
    ingestion.write(m.batch());
    ObjectNode res = Json.object();
    if (m.id() == null) res.putNull("id");
    else res.put("id", m.id());
    Responses.json(ctx, 200, res);
  }

  /** A read envelope with its {@code dsn} and {@code event_id} headers (either may be null). */
  record Framed(EnvelopeReader.Parsed parsed, String dsn, String eventId) {}

  /** What an envelope becomes: the rows to write and the id to answer (null when there is none). */
  record Mapped(WriteBatch batch, String id) {}

  /** Reads the framing; refuses with a malformed (400) or too-large (413) {@link IngestException}. */
  static Framed frame(EnvelopeReader reader, byte[] body) {
    try {
      EnvelopeReader.Parsed env = reader.read(body);
      return new Framed(env, env.header("dsn"), env.header("event_id"));
    } catch (EnvelopeTooLargeException e) {
      throw IngestException.tooLarge(e.getMessage());
    } catch (MalformedEnvelopeException e) {
      throw IngestException.malformed(e.getMessage());
    }
  }

  /**
   * Maps the items; refuses with a malformed (400) or, past Sentry's item limits, too-large (413)
   * {@link IngestException}, or an {@link dev.spindle.server.json.InvalidJsonException} (400).
   */
  static Mapped map(Framed env, long projectId, boolean scrubPii, long nowUs, TransactionNames.Naming naming) {
    Map<?, ?> dsc = env.parsed().headers().get("trace") instanceof Map<?, ?> trace ? trace : Map.of();
    EnvelopeDsc context = EnvelopeDsc.of(dsc);
    String release = dsc.get("release") instanceof String r ? r : null;
    String environment = dsc.get("environment") instanceof String e ? e : null;
    SentryMapper m = new SentryMapper(projectId, scrubPii, nowUs, naming);
    String id = null;
    int transactions = 0;
    int events = 0;
    int standaloneSpans = 0;
    for (EnvelopeReader.Item item : env.parsed().items()) {
      String itemId = null;
      switch (item.type()) {
        case "transaction" -> {
          atMost(++transactions, 1, "transaction items");
          itemId = m.transaction(item.data(), item.offset(), item.length(), env.eventId(), context);
        }
        case "event" -> {
          atMost(++events, 1, "event items");
          itemId = m.event(json(item), env.eventId());
        }
        case "span" -> {
          JsonNode span = json(item);
          standaloneSpans += span.path("items").isArray() ? span.get("items").size() : 1;
          atMost(standaloneSpans, MAX_STANDALONE_SPANS, "standalone spans");
          m.span(span, context.sampleRate(), release, environment);
        }
        case "client_report" -> m.clientReport(json(item));
        default -> { } // unknown items are skipped
      }
      if (id == null) id = itemId;
    }
    m.finish();
    return new Mapped(new WriteBatch(m.spans, m.errors, m.reports), id == null ? Ids.eventId(env.eventId()) : id);
  }

  private static void atMost(int n, int limit, String what) {
    if (n > limit) throw IngestException.tooLarge("too many " + what + " in the envelope (Sentry's limit: " + limit + ")");
  }

  private static JsonNode json(EnvelopeReader.Item item) {
    return Json.parse(item.data(), item.offset(), item.length(), "item '" + item.type() + "'");
  }
}
