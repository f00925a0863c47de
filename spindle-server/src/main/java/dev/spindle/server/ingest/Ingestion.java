package dev.spindle.server.ingest;

import dev.spindle.server.http.Bodies;
import dev.spindle.storage.Project;
import dev.spindle.storage.StorageException;
import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.OverloadedException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What both ingestion handlers do: read the body within limits, authenticate, write durably. */
final class Ingestion {
  private static final Logger LOG = Logger.getLogger(Ingestion.class.getName());

  final IngestRoutes.Settings settings;
  final MemoryBudget budget;

  Ingestion(IngestRoutes.Settings settings) {
    this.settings = settings;
    this.budget = new MemoryBudget(settings.maxInFlightBytes());
  }

  /** The decoded body, every byte charged to the request's lease. */
  byte[] body(Context ctx, MemoryBudget.Lease lease) throws IOException {
    long limit = settings.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) throw IngestException.tooLarge("request body is " + declared + " bytes (limit " + limit + ")");
    return Bodies.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"), limit, lease::charge);
  }

  /** The project the request's key (header, query or the envelope's {@code dsn}) belongs to. */
  Project authenticate(Context ctx, String envelopeDsn) {
    return SentryAuth.authenticate(settings.auth(), ctx.pathParam("project_id"), headerKey(ctx),
        ctx.queryParam("sentry_key"), envelopeDsn);
  }

  private static String headerKey(Context ctx) {
    String k = SentryAuth.keyFromHeader(ctx.header("X-Sentry-Auth"));
    if (k == null) {
      String auth = ctx.header("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "Sentry ", 0, 7)) k = SentryAuth.keyFromHeader(auth);
    }
    return k;
  }

  /**
   * Writes mapped spans (with the outcomes of those dropped); returns when they are durable. A
   * request whose every span was dropped is refused (400) and nothing of it is stored.
   */
  void write(OtlpMapper.Mapped mapped) {
    if (mapped.spans().isEmpty() && !mapped.drops().isEmpty()) {
      throw IngestException.malformed("all " + Rejections.describe(mapped.drops()));
    }
    write(new WriteBatch(mapped.spans(), List.of(), mapped.drops()));
  }

  /** Writes the batch; returns when it is durable. */
  void write(WriteBatch batch) {
    if (batch.isEmpty()) return;
    try {
      settings.writer().write(batch);
    } catch (OverloadedException e) {
      throw IngestException.unavailable(e.getMessage(), e.retryAfterSeconds());
    } catch (StorageException e) {
      LOG.log(Level.WARNING, "write failed", e);
      throw IngestException.unavailable("storage failed to write: " + e.getMessage(), 5);
    }
  }
}
